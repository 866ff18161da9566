//! The sandbox: one wasmtime [`Engine`] per process, policy components compiled once,
//! and a fresh, bounded [`Store`] for each evaluation.
//!
//! Modelled on Kubewarden's policy host: components are compiled (or deserialized from
//! a precompiled artifact) once, pre-instantiated with [`PolicyPre`], and every
//! evaluation gets its own `Store` with an epoch deadline and a memory limit. A policy
//! that declares itself `reusable` keeps warm instances in a small pool instead; any
//! instance that traps is dropped.

mod bindings;
mod cache;
mod state;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, Once};
use std::time::{Duration, Instant};

use preflight_policy::contract::{Malformed, ResultLimits, check_report, fit_report};
use preflight_policy::{
    Equivalent, Finding, PolicyMeta, Report, RuleInfo, RuleStatus, Severity, Status,
};
use wasmtime::component::{Component, HasSelf, Linker};
use wasmtime::{Config, Engine, Store, Trap};

use bindings::preflight::policy::types as wit;
use bindings::{Policy, PolicyPre};
pub use cache::CompileCache;
use state::{HostState, MemoryLimitExceeded};

use crate::text::truncate;

/// How often the epoch ticks; deadlines are whole ticks.
const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Bounds on one evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SandboxLimits {
    /// Wall-clock time for one call into the policy.
    pub timeout: Duration,
    /// Largest linear memory a policy instance may have.
    pub memory_bytes: usize,
    /// Bounds on what one evaluation may return (findings, rule statuses, bytes).
    pub results: ResultLimits,
}

impl SandboxLimits {
    /// The limits `[sandbox]` asks for, the defaults for what it leaves out.
    pub fn configured(config: &crate::config::SandboxConfig) -> SandboxLimits {
        let mut limits = SandboxLimits::default();
        if let Some(ms) = config.timeout_ms {
            limits.timeout = Duration::from_millis(ms);
        }
        if let Some(mib) = config.memory_mib {
            limits.memory_bytes = mib.saturating_mul(1024 * 1024);
        }
        limits
    }
}

impl Default for SandboxLimits {
    fn default() -> Self {
        SandboxLimits {
            timeout: Duration::from_secs(2),
            memory_bytes: 256 * 1024 * 1024,
            results: ResultLimits::default(),
        }
    }
}

/// An error from wasmtime, kept whole as the source of a [`LoadError`] or
/// [`PolicyError`] (shared, so those stay `Clone`). `{:#}` shows it as wasmtime does:
/// its message, then each cause after `: `.
#[derive(Debug, Clone)]
pub struct EngineError(Arc<dyn std::error::Error + Send + Sync>);

impl From<wasmtime::Error> for EngineError {
    fn from(error: wasmtime::Error) -> EngineError {
        EngineError(Arc::from(Box::<dyn std::error::Error + Send + Sync>::from(
            error,
        )))
    }
}

impl std::fmt::Display for EngineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)?;
        if f.alternate() {
            let mut cause = self.0.source();
            while let Some(c) = cause {
                write!(f, ": {c}")?;
                cause = c.source();
            }
        }
        Ok(())
    }
}

impl std::error::Error for EngineError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// Why a policy could not be loaded.
#[derive(Debug, Clone, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not a valid component for this host.
    #[error("not a valid policy component: {0:#}")]
    Compile(#[source] EngineError),
    /// The component does not provide the `policy` world.
    #[error("component does not implement the preflight policy world: {0:#}")]
    Contract(#[source] EngineError),
    /// Asking the policy for its metadata failed.
    #[error("policy failed while describing itself: {0}")]
    Metadata(#[source] PolicyError),
    /// The metadata is unusable.
    #[error("policy metadata is invalid: {0}")]
    BadMetadata(String),
}

/// Why one evaluation failed. Every variant is reported as a blocking `policy-error`
/// (unless the policy is advisory).
#[derive(Debug, Clone, thiserror::Error)]
pub enum PolicyError {
    /// The epoch deadline passed.
    #[error("policy ran out of time (limit {0:?})")]
    Timeout(Duration),
    /// The policy tried to grow memory past the limit.
    #[error("policy exceeded its memory limit of {} MiB", .0 / (1024 * 1024))]
    Memory(usize),
    /// The policy trapped (panic, stack overflow, unreachable, ...): what happened, with
    /// the end of the policy's stderr, and wasmtime's error.
    #[error("policy crashed: {0}")]
    Trap(String, #[source] EngineError),
    /// The policy returned an error.
    #[error("policy returned an error: {0}")]
    Returned(String),
    /// The result broke the contract or the result limits.
    #[error("policy returned a malformed result: {0}")]
    Malformed(#[source] Malformed),
    /// The result held more findings (or more bytes of them) than the limits allow; the
    /// findings that fit, first in the policy's order, are kept, and reported beside
    /// this error so that a large template's findings are not all lost.
    #[error(
        "policy reported {cut}: only the first {} findings are reported, the rest were cut",
        kept.findings.len()
    )]
    Truncated {
        /// What was over the limits.
        #[source]
        cut: Malformed,
        /// The report cut down to fit.
        kept: Box<Report>,
    },
}

impl PolicyError {
    /// The part of the report that fits the limits, when the error is that the report
    /// did not.
    pub fn kept(&self) -> Option<&Report> {
        match self {
            PolicyError::Truncated { kept, .. } => Some(kept),
            _ => None,
        }
    }
}

/// One evaluation request, as JSON text.
#[derive(Debug, Clone)]
pub struct EvalInput<'a> {
    /// Canonical template JSON.
    pub template: &'a str,
    /// Canonical baseline JSON.
    pub baseline: Option<&'a str>,
    /// Path, for messages.
    pub path: &'a str,
    /// Settings JSON.
    pub settings: &'a str,
}

/// The process-wide policy host.
pub struct PolicyHost {
    engine: Engine,
    linker: Linker<HostState>,
    cache: CompileCache,
}

impl PolicyHost {
    /// Creates the engine (cranelift, epoch interruption, parallel compilation) and the
    /// linker (WASI preview 2, denying everything, plus the `host` interface).
    pub fn new(cache: CompileCache) -> Result<PolicyHost, LoadError> {
        let engine = Engine::new(&engine_config()).map_err(|e| LoadError::Compile(e.into()))?;
        let mut linker = Linker::<HostState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_sync(&mut linker)
            .map_err(|e| LoadError::Contract(e.into()))?;
        Policy::add_to_linker::<HostState, HasSelf<HostState>>(&mut linker, |s| s)
            .map_err(|e| LoadError::Contract(e.into()))?;
        start_epoch_ticker(&engine);
        Ok(PolicyHost {
            engine,
            linker,
            cache,
        })
    }

    /// Compiles a component to this engine's native artifact (for embedding or caching).
    pub fn precompile(&self, wasm: &[u8]) -> Result<Vec<u8>, LoadError> {
        self.engine
            .precompile_component(wasm)
            .map_err(|e| LoadError::Compile(e.into()))
    }

    /// A string identifying which precompiled artifacts this engine accepts.
    pub fn compatibility_key(&self) -> String {
        cache::engine_key(&self.engine)
    }

    /// Loads a policy from component bytes, using `precompiled` when it matches this
    /// engine and the disk cache otherwise, then reads its metadata in the sandbox.
    /// `wasm_sha256` is the component's SHA-256 (hex) when the caller has it already (a
    /// pinned policy), so that the cache does not hash megabytes again.
    pub fn load(
        &self,
        label: &str,
        wasm: &[u8],
        wasm_sha256: Option<&str>,
        precompiled: Option<&[u8]>,
        limits: SandboxLimits,
    ) -> Result<LoadedPolicy, LoadError> {
        let started = Instant::now();
        let component = self.component(wasm, wasm_sha256, precompiled)?;
        let compiled = started.elapsed();
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Contract(e.into()))?;
        let pre = PolicyPre::new(pre).map_err(|e| LoadError::Contract(e.into()))?;
        let mut policy = LoadedPolicy {
            label: Arc::from(label),
            meta: placeholder_meta(label),
            engine: self.engine.clone(),
            pre,
            limits,
            pool: Mutex::new(Vec::new()),
        };
        let linked = started.elapsed();
        let meta = policy
            .call(|p, store| p.call_metadata(store))
            .map_err(LoadError::Metadata)?;
        policy.meta = meta_from_wit(meta)?;
        // What a cold start costs, step by step (`PREFLIGHT_LOG=preflight=debug`); the
        // first `metadata` call includes instantiating the component.
        tracing::debug!(
            policy = label,
            component = ?compiled,
            linked = ?(linked - compiled),
            metadata = ?(started.elapsed() - linked),
            "loaded"
        );
        Ok(policy)
    }

    fn component(
        &self,
        wasm: &[u8],
        wasm_sha256: Option<&str>,
        precompiled: Option<&[u8]>,
    ) -> Result<Component, LoadError> {
        if let Some(bytes) = precompiled {
            // SAFETY: `precompiled` is an artifact this program produced at build time
            // with `precompile` (embedded in the binary); `deserialize` checks that it
            // was made by this wasmtime version with a compatible configuration.
            match unsafe { Component::deserialize(&self.engine, bytes) } {
                Ok(component) => return Ok(component),
                Err(e) => tracing::debug!("embedded precompiled policy not usable, compiling: {e}"),
            }
        }
        self.cache.load_or_compile(&self.engine, wasm, wasm_sha256)
    }
}

fn engine_config() -> Config {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.parallel_compilation(true);
    config.wasm_component_model(true);
    // A policy that recurses without bound hits this and traps cleanly.
    config.max_wasm_stack(1024 * 1024);
    // For profiling the policies: `PREFLIGHT_PERFMAP=1` writes /tmp/perf-PID.map, which
    // lets `perf report` name the guests' functions (docs/benchmarks.md, profiling).
    if std::env::var_os("PREFLIGHT_PERFMAP").is_some() {
        config.profiler(wasmtime::ProfilingStrategy::PerfMap);
    }
    config
}

fn start_epoch_ticker(engine: &Engine) {
    static TICKER: Once = Once::new();
    let weak = engine.weak();
    TICKER.call_once(move || {
        std::thread::Builder::new()
            .name("preflight-epoch".into())
            .spawn(move || {
                while let Some(engine) = weak.upgrade() {
                    engine.increment_epoch();
                    drop(engine);
                    std::thread::sleep(EPOCH_TICK);
                }
            })
            .expect("spawning the epoch thread");
    });
}

/// A loaded policy: its metadata and a pre-instantiated component.
pub struct LoadedPolicy {
    label: Arc<str>,
    meta: PolicyMeta,
    engine: Engine,
    pre: PolicyPre<HostState>,
    limits: SandboxLimits,
    /// Warm instances of a reusable policy.
    pool: Mutex<Vec<(Store<HostState>, Policy)>>,
}

impl LoadedPolicy {
    /// What the policy says about itself.
    pub fn meta(&self) -> &PolicyMeta {
        &self.meta
    }

    /// The name it was loaded under (built-in name or file path).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The sandbox limits it runs under.
    pub fn limits(&self) -> SandboxLimits {
        self.limits
    }

    /// Evaluates one template in the sandbox.
    pub fn evaluate(&self, input: &EvalInput<'_>) -> Result<Report, PolicyError> {
        let request = wit::Input {
            template: input.template.to_string(),
            baseline: input.baseline.map(str::to_string),
            path: input.path.to_string(),
            settings: input.settings.to_string(),
        };
        let report = self.call(|p, store| p.call_evaluate(store, &request))?;
        let report = report.map_err(|e| PolicyError::Returned(truncate(&e, 2000)))?;
        self.report_from_wit(report)
    }

    /// Runs `f` on an instance: a warm one from the pool for reusable policies, or a
    /// fresh one, under a new epoch deadline. Instances that fail are dropped.
    fn call<R>(
        &self,
        f: impl FnOnce(&Policy, &mut Store<HostState>) -> wasmtime::Result<R>,
    ) -> Result<R, PolicyError> {
        let warm = if self.meta.reusable {
            self.pool.lock().map(|mut p| p.pop()).unwrap_or(None)
        } else {
            None
        };
        let (mut store, policy) = match warm {
            Some(instance) => instance,
            None => self.instantiate()?,
        };
        let ticks = (self.limits.timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64;
        store.set_epoch_deadline(ticks);
        let started = Instant::now();
        match f(&policy, &mut store) {
            Ok(result) => {
                tracing::trace!(
                    policy = &*self.label,
                    elapsed = ?started.elapsed(),
                    memory_mib = store.data().memory_peak() / (1024 * 1024),
                    "evaluated"
                );
                store.data_mut().log_stderr();
                if self.meta.reusable
                    && let Ok(mut pool) = self.pool.lock()
                {
                    pool.push((store, policy));
                }
                Ok(result)
            }
            Err(e) => {
                store.data_mut().log_stderr();
                Err(self.classify(e, &store))
            }
        }
    }

    fn instantiate(&self) -> Result<(Store<HostState>, Policy), PolicyError> {
        let state = HostState::new(Arc::clone(&self.label), self.limits.memory_bytes);
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| s);
        store.set_epoch_deadline(
            (self.limits.timeout.as_millis() / EPOCH_TICK.as_millis()).max(1) as u64,
        );
        let started = Instant::now();
        let policy = self
            .pre
            .instantiate(&mut store)
            .map_err(|e| self.classify(e, &store))?;
        tracing::trace!(policy = &*self.label, elapsed = ?started.elapsed(), "instantiated");
        Ok((store, policy))
    }

    fn classify(&self, error: wasmtime::Error, store: &Store<HostState>) -> PolicyError {
        if let Some(limit) = error.downcast_ref::<MemoryLimitExceeded>() {
            return PolicyError::Memory(limit.limit);
        }
        match error.downcast_ref::<Trap>() {
            Some(Trap::Interrupt) => PolicyError::Timeout(self.limits.timeout),
            Some(trap) => {
                let trap = match trap {
                    // Rust guests keep their stack in linear memory; running off its end
                    // shows up as an out-of-bounds access, not as a wasm stack overflow.
                    Trap::MemoryOutOfBounds => {
                        "out of bounds memory access (in Rust guests usually a stack \
                         overflow from deep recursion)"
                            .to_string()
                    }
                    other => other.to_string(),
                };
                let stderr = store.data().stderr();
                let detail = last_lines(&stderr, 6);
                let message = if detail.is_empty() {
                    trap
                } else {
                    format!("{trap}: {detail}")
                };
                PolicyError::Trap(message, error.into())
            }
            None => PolicyError::Trap(truncate(&format!("{error:#}"), 2000), error.into()),
        }
    }

    /// The report as the SDK types it, once it keeps to the contract
    /// ([`preflight_policy::contract`]: bounded, printable rule ids, JSON pointers).
    fn report_from_wit(&self, report: wit::Report) -> Result<Report, PolicyError> {
        let findings = report
            .findings
            .into_iter()
            .map(|f| Finding {
                rule: f.rule,
                severity: severity_from_wit(f.severity),
                message: f.message,
                resource: f.resource,
                pointer: f.pointer,
                highlight: f.highlight,
            })
            .collect();
        let rules = report
            .rules
            .into_iter()
            .map(|r| RuleStatus {
                rule: r.rule,
                status: match r.status {
                    wit::Status::Pass => Status::Pass,
                    wit::Status::Fail => Status::Fail,
                    wit::Status::Skip => Status::Skip,
                },
            })
            .collect();
        let mut report = Report { findings, rules };
        let cut = fit_report(&mut report, &self.limits.results);
        check_report(&report, &self.limits.results).map_err(PolicyError::Malformed)?;
        match cut {
            None => Ok(report),
            Some(cut) => Err(PolicyError::Truncated {
                cut,
                kept: Box::new(report),
            }),
        }
    }
}

fn placeholder_meta(label: &str) -> PolicyMeta {
    PolicyMeta {
        id: label.to_string(),
        version: String::new(),
        description: String::new(),
        rules: Vec::new(),
        reusable: false,
    }
}

fn meta_from_wit(meta: wit::PolicyMetadata) -> Result<PolicyMeta, LoadError> {
    let valid_id = |id: &str| {
        !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
    };
    if !valid_id(&meta.id) {
        return Err(LoadError::BadMetadata(format!(
            "policy id `{}` must be 1-64 characters of letters, digits, `-`, `_`, `.`",
            truncate(&meta.id, 80)
        )));
    }
    let mut seen = std::collections::HashSet::new();
    for rule in &meta.rules {
        if !valid_id(&rule.id) {
            return Err(LoadError::BadMetadata(format!(
                "rule id `{}` is not valid",
                truncate(&rule.id, 80)
            )));
        }
        if !seen.insert(rule.id.as_str()) {
            return Err(LoadError::BadMetadata(format!(
                "rule id `{}` appears twice",
                rule.id
            )));
        }
    }
    Ok(PolicyMeta {
        id: meta.id,
        version: meta.version,
        description: meta.description,
        rules: meta
            .rules
            .into_iter()
            .map(|r| RuleInfo {
                id: r.id,
                name: r.name,
                title: r.title,
                default_severity: severity_from_wit(r.default_severity),
                help: r.help,
                equivalents: r
                    .equivalents
                    .into_iter()
                    .map(|e| Equivalent {
                        tool: e.tool,
                        ids: e.ids,
                    })
                    .collect(),
            })
            .collect(),
        reusable: meta.reusable,
    })
}

fn severity_from_wit(s: wit::Severity) -> Severity {
    match s {
        wit::Severity::Info => Severity::Info,
        wit::Severity::Low => Severity::Low,
        wit::Severity::Medium => Severity::Medium,
        wit::Severity::High => Severity::High,
        wit::Severity::Critical => Severity::Critical,
    }
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(n);
    truncate(&lines[start..].join(" | "), 1000)
}

/// Where compiled components are cached: `$PREFLIGHT_CACHE_DIR`, else the XDG cache
/// directory's `preflight` (`$XDG_CACHE_HOME`, else `~/.cache`; etcetera's XDG strategy,
/// on every Unix).
pub fn default_cache_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PREFLIGHT_CACHE_DIR") {
        return Some(PathBuf::from(dir));
    }
    use etcetera::BaseStrategy;
    etcetera::base_strategy::Xdg::new()
        .ok()
        .map(|xdg| xdg.cache_dir().join("preflight"))
}

#[cfg(test)]
mod tests {
    use std::error::Error as _;

    use super::*;

    #[test]
    fn engine_errors_render_as_wasmtime_does_and_keep_their_causes() {
        let error = || wasmtime::Error::msg("root cause").context("outer");
        let kept = EngineError::from(error());
        assert_eq!(format!("{kept:#}"), format!("{:#}", error()));
        assert_eq!(kept.to_string(), "outer");
        assert_eq!(kept.source().unwrap().to_string(), "root cause");
    }

    #[test]
    fn a_load_error_keeps_wasmtime_error_as_its_source() {
        let host = PolicyHost::new(CompileCache::disabled()).unwrap();
        let error = host
            .load(
                "junk",
                b"not a component",
                None,
                None,
                SandboxLimits::default(),
            )
            .err()
            .unwrap();
        let direct = Component::new(&host.engine, b"not a component").unwrap_err();
        // The message is what it was when the cause was flattened into it.
        assert_eq!(
            error.to_string(),
            format!("not a valid policy component: {direct:#}")
        );
        let source = error.source().expect("the cause is kept");
        assert_eq!(source.to_string(), direct.to_string());
    }
}
