//! Readers and writers of file formats.

pub mod solomon;
pub mod solomon_check;
pub mod vrplib;
