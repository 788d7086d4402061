//! The Solomon-level checker: scores routes given as customer numbers in double precision,
//! with exactly the rules of the reference scorer `shared/peers/check_solution.py`, so that our
//! numbers and the peers' are comparable.
//!
//! Rules: routes may carry the depot (0) at their ends, which is stripped; empty routes are
//! ignored. Travel time equals Euclidean distance; vehicles leave the depot at its ready time;
//! service starts at `max(arrival, ready)` and the arrival must not pass the due date; routes
//! return to the depot by its due date; the load of a route (sum of demands) stays within the
//! capacity; every customer is served exactly once; at most `fleet` non-empty routes. Time and
//! load excesses up to [`TOLERANCE`] are floating-point noise.

use super::solomon::Instance;
use std::fmt;

/// Accepted excess of time or load, as in `check_solution.py`.
pub const TOLERANCE: f64 = 1e-6;

/// One broken rule; routes are numbered from 1 as in `check_solution.py`.
#[derive(Clone, Debug, PartialEq)]
pub enum SolomonViolation {
    DepotMidRoute {
        route: usize,
        position: usize,
    },
    UnknownCustomer {
        route: usize,
        customer: usize,
        position: usize,
    },
    ServedTwice {
        customer: usize,
        first_route: usize,
        route: usize,
    },
    LateArrival {
        route: usize,
        customer: usize,
        arrival: f64,
        due: f64,
    },
    LateReturn {
        route: usize,
        arrival: f64,
        due: f64,
    },
    OverCapacity {
        route: usize,
        load: f64,
        capacity: f64,
    },
    NotServed {
        customers: Vec<usize>,
    },
    TooManyVehicles {
        used: usize,
        fleet: usize,
    },
}

impl fmt::Display for SolomonViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use SolomonViolation::*;
        match self {
            DepotMidRoute { route, position } => {
                write!(
                    f,
                    "route {route}: depot visited mid-route at position {position}"
                )
            }
            UnknownCustomer {
                route,
                customer,
                position,
            } => write!(
                f,
                "route {route}: unknown customer id {customer} at position {position}"
            ),
            ServedTwice {
                customer,
                first_route,
                route,
            } => write!(
                f,
                "customer {customer} served twice (route {first_route} and route {route})"
            ),
            LateArrival {
                route,
                customer,
                arrival,
                due,
            } => write!(
                f,
                "route {route}: customer {customer} reached at {arrival:.6} after its due date {due} (late by {:.6})",
                arrival - due
            ),
            LateReturn {
                route,
                arrival,
                due,
            } => write!(
                f,
                "route {route}: back at depot at {arrival:.6} after depot due date {due}"
            ),
            OverCapacity {
                route,
                load,
                capacity,
            } => write!(f, "route {route}: load {load} exceeds capacity {capacity}"),
            NotServed { customers } => {
                let head: Vec<String> = customers.iter().take(10).map(usize::to_string).collect();
                let more = if customers.len() > 10 { " ..." } else { "" };
                write!(
                    f,
                    "{} customer(s) not served: {}{more}",
                    customers.len(),
                    head.join(", ")
                )
            }
            TooManyVehicles { used, fleet } => write!(
                f,
                "{used} vehicles used but the instance provides only {fleet}"
            ),
        }
    }
}

/// The score of a set of routes.
#[derive(Clone, Debug, PartialEq)]
pub struct SolomonCheck {
    /// Non-empty routes.
    pub vehicles: usize,
    /// Total Euclidean distance in double precision, depot legs included.
    pub distance: f64,
    pub violations: Vec<SolomonViolation>,
}

impl SolomonCheck {
    pub fn feasible(&self) -> bool {
        self.violations.is_empty()
    }
}

/// Scores `routes` (customer numbers in visit order) on `instance`.
pub fn check_solomon(instance: &Instance, routes: &[Vec<usize>]) -> SolomonCheck {
    let n = instance.customers();
    let depot = &instance.nodes[0];
    let mut violations = Vec::new();
    let mut served_on: Vec<Option<usize>> = vec![None; n + 1];
    let mut distance = 0.0;
    let mut vehicles = 0;
    for (r, route) in routes.iter().enumerate() {
        let r = r + 1;
        let first = route.iter().position(|&c| c != 0);
        let last = route.iter().rposition(|&c| c != 0);
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        vehicles += 1;
        let mut load = 0.0;
        let mut t = depot.ready;
        let mut prev = 0;
        for (pos, &c) in route[first..=last].iter().enumerate() {
            let position = pos + 1;
            if c == 0 {
                violations.push(SolomonViolation::DepotMidRoute { route: r, position });
                continue;
            }
            if c > n {
                violations.push(SolomonViolation::UnknownCustomer {
                    route: r,
                    customer: c,
                    position,
                });
                continue;
            }
            match served_on[c] {
                Some(first_route) => violations.push(SolomonViolation::ServedTwice {
                    customer: c,
                    first_route,
                    route: r,
                }),
                None => served_on[c] = Some(r),
            }
            let node = &instance.nodes[c];
            let d = instance.distance(prev, c);
            distance += d;
            t += d;
            if t > node.due + TOLERANCE {
                violations.push(SolomonViolation::LateArrival {
                    route: r,
                    customer: c,
                    arrival: t,
                    due: node.due,
                });
            }
            t = t.max(node.ready) + node.service;
            load += node.demand;
            prev = c;
        }
        let d = instance.distance(prev, 0);
        distance += d;
        t += d;
        if t > depot.due + TOLERANCE {
            violations.push(SolomonViolation::LateReturn {
                route: r,
                arrival: t,
                due: depot.due,
            });
        }
        if load > instance.capacity + TOLERANCE {
            violations.push(SolomonViolation::OverCapacity {
                route: r,
                load,
                capacity: instance.capacity,
            });
        }
    }
    let missing: Vec<usize> = (1..=n).filter(|&c| served_on[c].is_none()).collect();
    if !missing.is_empty() {
        violations.push(SolomonViolation::NotServed { customers: missing });
    }
    if vehicles > instance.fleet {
        violations.push(SolomonViolation::TooManyVehicles {
            used: vehicles,
            fleet: instance.fleet,
        });
    }
    SolomonCheck {
        vehicles,
        distance,
        violations,
    }
}
