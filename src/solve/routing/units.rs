//! Integer units of the routing problem.
//!
//! Every quantity the solver compares is an integer newtype (in the manner of PyVRP's
//! `Measure`): comparisons are exact and results do not depend on floating-point rounding.
//! What one unit means is the caller's choice: the day planner uses seconds and metres, the
//! Solomon reader scales the instance's real numbers by `io::solomon::SCALE` (an outer ring).

use serde::{Deserialize, Serialize};
use std::iter::Sum;
use std::ops::{Add, AddAssign, Mul, Neg, Sub, SubAssign};

macro_rules! integer_unit {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(
            Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const ZERO: Self = Self(0);
            pub const MAX: Self = Self(i64::MAX / 4);
            pub const MIN: Self = Self(i64::MIN / 4);

            #[inline]
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl Add for $name {
            type Output = Self;
            #[inline]
            fn add(self, rhs: Self) -> Self {
                Self(self.0 + rhs.0)
            }
        }

        impl Sub for $name {
            type Output = Self;
            #[inline]
            fn sub(self, rhs: Self) -> Self {
                Self(self.0 - rhs.0)
            }
        }

        impl AddAssign for $name {
            #[inline]
            fn add_assign(&mut self, rhs: Self) {
                self.0 += rhs.0;
            }
        }

        impl SubAssign for $name {
            #[inline]
            fn sub_assign(&mut self, rhs: Self) {
                self.0 -= rhs.0;
            }
        }

        impl Neg for $name {
            type Output = Self;
            #[inline]
            fn neg(self) -> Self {
                Self(-self.0)
            }
        }

        impl Mul<i64> for $name {
            type Output = Self;
            #[inline]
            fn mul(self, rhs: i64) -> Self {
                Self(self.0 * rhs)
            }
        }

        impl Sum for $name {
            fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
                Self(iter.map(|x| x.0).sum())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

integer_unit!(
    /// A point in time or a duration, in the problem's time unit: seconds in every problem
    /// the product builds (`plan::clock` converts, `minutes` the one way from minutes), the
    /// instance's unit times `io::solomon::SCALE` in a Solomon problem.
    Time
);
integer_unit!(
    /// A travelled distance, in the problem's distance unit.
    Distance
);
integer_unit!(
    /// A cost in the objective's currency.
    Cost
);
integer_unit!(
    /// An amount of the single capacity dimension.
    Load
);
