pub mod api;
pub mod sim;
pub mod text;
