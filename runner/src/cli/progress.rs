//! The progress bar of long runs: on stderr, only when stderr is a terminal, and only
//! once a run has taken more than a moment (a quick check stays silent).

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How long a run goes before the bar appears.
const DELAY: Duration = Duration::from_millis(400);

/// [`DELAY`], or `PREFLIGHT_PROGRESS_DELAY_MS` when set: the tests of the bar set it to
/// 0, so that they do not depend on how fast the machine checks their templates.
fn delay() -> Duration {
    std::env::var("PREFLIGHT_PROGRESS_DELAY_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .map_or(DELAY, Duration::from_millis)
}

/// Fewest templates worth a bar.
const MIN_TEMPLATES: usize = 8;

/// A bar over `total` templates, hidden until [`DELAY`] has passed.
pub struct Progress {
    bar: ProgressBar,
    started: Instant,
    delay: Duration,
    shown: OnceLock<()>,
    enabled: bool,
}

impl Progress {
    /// A bar for `total` templates; drawn only if stderr is a terminal.
    pub fn new(total: usize) -> Progress {
        let enabled =
            total >= MIN_TEMPLATES && std::io::IsTerminal::is_terminal(&std::io::stderr());
        let bar = ProgressBar::with_draw_target(Some(total as u64), ProgressDrawTarget::hidden());
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} checking {pos}/{len} templates {wide_bar} {eta}",
        ) {
            bar.set_style(style);
        }
        Progress {
            bar,
            started: Instant::now(),
            delay: delay(),
            shown: OnceLock::new(),
            enabled,
        }
    }

    /// One more template checked.
    pub fn tick(&self) {
        if !self.enabled {
            return;
        }
        self.bar.inc(1);
        if self.started.elapsed() >= self.delay {
            self.shown.get_or_init(|| {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
            });
        }
    }

    /// Clears the bar before the report is written.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
