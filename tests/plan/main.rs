//! Planning tests: day plans on the Nanchang scenario and on small hand-built scenarios with
//! answers worked out by hand, urgent re-plans and recommendations; every plan goes through
//! the independent checker.

mod day;
mod index;
mod oncall;
mod parts;
mod position;
mod replan;
mod small;
mod support;
