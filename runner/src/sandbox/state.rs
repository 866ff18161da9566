//! What each sandboxed evaluation's `Store` holds: an empty WASI context, a memory
//! limiter and the policy's name for its log lines.

use std::sync::Arc;

use wasmtime::ResourceLimiter;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

use super::bindings::preflight::policy::host::Host;
use super::bindings::preflight::policy::types::{Host as TypesHost, LogLevel};

/// Most bytes of guest standard error kept (a Rust panic message lands there).
const STDERR_CAPACITY: usize = 64 * 1024;

/// The guest tried to grow its memory past the limit.
#[derive(Debug, thiserror::Error)]
#[error("policy exceeded its memory limit of {limit} bytes (asked for {desired})")]
pub(crate) struct MemoryLimitExceeded {
    pub limit: usize,
    pub desired: usize,
}

/// Store data for one policy instance.
pub(crate) struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    memory_limit: usize,
    policy: Arc<str>,
    stderr: MemoryOutputPipe,
    /// How much of `stderr` has been passed to the log already.
    stderr_logged: usize,
    /// The most linear memory the guest has asked for, for the evaluation's trace line.
    memory_peak: usize,
}

impl HostState {
    /// A state with no files, no environment, no arguments, no network and no stdin;
    /// stdout is discarded and stderr is kept for error messages.
    pub fn new(policy: Arc<str>, memory_limit: usize) -> HostState {
        let stderr = MemoryOutputPipe::new(STDERR_CAPACITY);
        let wasi = WasiCtxBuilder::new().stderr(stderr.clone()).build();
        HostState {
            wasi,
            table: ResourceTable::new(),
            memory_limit,
            policy,
            stderr,
            stderr_logged: 0,
            memory_peak: 0,
        }
    }

    /// The most linear memory the guest has grown to, in bytes.
    pub fn memory_peak(&self) -> usize {
        self.memory_peak
    }

    /// Passes what the guest wrote to standard error since the last call to the log
    /// (`policy` target, debug level), so a chatty policy is visible with `-vv`.
    pub fn log_stderr(&mut self) {
        let bytes = self.stderr.contents();
        if bytes.len() > self.stderr_logged {
            let text = String::from_utf8_lossy(&bytes[self.stderr_logged..]);
            for line in text.lines().filter(|l| !l.trim().is_empty()) {
                tracing::debug!(target: "policy", policy = &*self.policy, "stderr: {line}");
            }
            self.stderr_logged = bytes.len();
        }
    }

    /// What the guest wrote to standard error, lossily decoded.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents()).into_owned()
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl ResourceLimiter for HostState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.memory_limit {
            // An error (rather than `Ok(false)`) traps at once, so the cause is certain
            // instead of surfacing later as an allocation failure inside the guest.
            return Err(wasmtime::Error::new(MemoryLimitExceeded {
                limit: self.memory_limit,
                desired,
            }));
        }
        self.memory_peak = self.memory_peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 1_000_000)
    }
}

impl TypesHost for HostState {}

impl Host for HostState {
    fn log(&mut self, level: LogLevel, message: String) {
        let policy = &*self.policy;
        // Bound what a guest can push into the host's log per call.
        let message: String = message.chars().take(4096).collect();
        match level {
            LogLevel::Trace => tracing::trace!(target: "policy", policy, "{message}"),
            LogLevel::Debug => tracing::debug!(target: "policy", policy, "{message}"),
            LogLevel::Info => tracing::info!(target: "policy", policy, "{message}"),
            LogLevel::Warn => tracing::warn!(target: "policy", policy, "{message}"),
            LogLevel::Error => tracing::error!(target: "policy", policy, "{message}"),
        }
    }
}
