pub mod csv;
pub mod projects;
pub mod targets;
pub use targets::*;
