//! Progress on stderr for long work (loading large graphs), only when
//! stderr is a terminal and the output is not machine-read (JSON, SARIF,
//! GitHub commands): a gate's logs and parsers never see it.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A spinner with a message, or nothing.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    /// A spinner when `wanted` and stderr is a terminal.
    pub fn new(wanted: bool) -> Self {
        if !wanted || !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
            bar.set_style(style);
        }
        bar.enable_steady_tick(Duration::from_millis(120));
        Self(Some(bar))
    }

    /// Says what is happening now, on one line, hidden characters escaped
    /// (a file name may hold an escape sequence or a line break: an audit).
    pub fn step(&self, message: impl Into<String>) {
        if let Some(bar) = &self.0 {
            bar.set_message(crate::printable::one_line(&message.into()));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
