//! What conftop knows of conferences, whatever shows it: participants, conferences and
//! callers as conftop holds them, the filter and what it matches, how the rows are grouped and
//! sorted, the trouble thresholds, and how each status is shown. Below both front ends: the
//! dashboard ([`crate::app`]) and `conftop list` ([`crate::list`]).

pub mod model;
pub mod search;
pub mod status;
pub mod view;
