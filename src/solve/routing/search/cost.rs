//! The two lowest levels of the objective as the search adds and compares them: overtime, then
//! travel. They are compared lexicographically, like the [`Objective`] they belong to, and
//! never summed: no saving in travel pays for any overtime.
//!
//! [`Objective`]: crate::solve::routing::Objective

use std::iter::Sum;
use std::ops::{Add, AddAssign, Sub};

/// Overtime and travel cost, or a change of them. Field order is the priority order.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct LowerCost {
    pub overtime: i64,
    pub travel: i64,
}

impl LowerCost {
    pub const ZERO: Self = Self {
        overtime: 0,
        travel: 0,
    };
}

impl Add for LowerCost {
    type Output = Self;
    #[inline]
    fn add(self, rhs: Self) -> Self {
        Self {
            overtime: self.overtime + rhs.overtime,
            travel: self.travel + rhs.travel,
        }
    }
}

impl Sub for LowerCost {
    type Output = Self;
    #[inline]
    fn sub(self, rhs: Self) -> Self {
        Self {
            overtime: self.overtime - rhs.overtime,
            travel: self.travel - rhs.travel,
        }
    }
}

impl AddAssign for LowerCost {
    #[inline]
    fn add_assign(&mut self, rhs: Self) {
        *self = *self + rhs;
    }
}

impl Sum for LowerCost {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}
