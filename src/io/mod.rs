//! Readers and writers of file formats.

pub mod solomon;
