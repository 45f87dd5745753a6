//! Progress bars on the terminal for long imports, exports and the demo; nothing when output is redirected.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    phase: String,
}

impl Progress {
    pub fn new() -> Progress {
        let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
        bar.set_style(
            ProgressStyle::with_template("{msg:<12} [{bar:40}] {pos}/{len} ({elapsed})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Progress {
            bar,
            phase: String::new(),
        }
    }

    pub fn update(&mut self, phase: &str, done: u64, total: u64) {
        if self.phase != phase {
            self.phase = phase.to_owned();
            self.bar.set_message(phase.to_owned());
            self.bar.reset();
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
