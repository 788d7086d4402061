//! Planning tests: day plans on the Nanchang scenario and on small hand-built scenarios with
//! answers worked out by hand, urgent re-plans and recommendations; every plan goes through
//! the independent checker.

mod day;
mod index;
mod installations;
mod oncall;
mod parts;
mod position;
mod replan;
mod settings;
mod small;
mod support;
mod teams;
mod vroom;
