//! CloudFormation, as the gate sees it: the client ([`client`]), the stack before the
//! command ([`before`]: can a deploy start, what template is deployed), the events
//! while it runs ([`watch`]), why it failed ([`cause`]), what a status means
//! ([`status`]), and whether the stack was changed outside the gate ([`drift`]).

pub mod before;
pub mod cause;
pub mod client;
pub mod drift;
pub mod status;
pub mod watch;
