//! What a run reads before any check: the policies to run ([`policies`]: built-ins and
//! components, each loaded into the sandbox with its settings and enforcement), the
//! baseline a template is compared against ([`baseline`]), and, for `preflight audit`,
//! which files are templates at all ([`discover`]), and the AWS region the policies check
//! for ([`region`]); that the rule ids the configuration and `--override` name exist
//! ([`rule_ids`]); which part of an audit one CI job takes ([`shard`]). Templates themselves are loaded by
//! the `preflight-template` crate.

pub mod baseline;
pub mod discover;
pub mod policies;
pub mod region;
pub mod rule_ids;
pub mod shard;

/// The largest policy component read (componentize-py's components run to tens of MiB).
pub const COMPONENT_LIMIT: u64 = 512 * 1024 * 1024;
