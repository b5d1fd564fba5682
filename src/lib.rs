pub mod api;
pub mod app;
pub mod audit;
pub mod sim;
pub mod sync;
pub mod text;
