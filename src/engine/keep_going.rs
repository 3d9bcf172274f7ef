//! How `check` runs the engine: every stage runs even when an earlier one failed, so one run
//! reports every problem.

use std::time::Instant;

use super::{Engine, Run, Sink};
use crate::config::Config;
use crate::diagnostic::Diagnostic;
use crate::error::{Error, Result};
use crate::render::Templates;

impl Engine {
    /// The rest of a run for `check`: a stage that fails does not stop the later ones. Files
    /// that failed to parse are left out of the model (links to them are not reported, their
    /// own errors are), and the links of the others are still checked; broken templates leave
    /// the pages unrendered. Every diagnostic of every stage comes back together.
    pub(super) fn keep_going(
        &mut self,
        config: &Config,
        templates: Result<Templates>,
        content: Result<(crate::content::Content, usize)>,
        sink: Sink,
        start: Instant,
    ) -> Result<Run> {
        let mut held: Vec<Diagnostic> = Vec::new();
        let mut hold = |e: Error| match e {
            Error::Diagnostics(d) => {
                held.extend(d);
                Ok(())
            }
            other => Err(other),
        };
        let templates = match templates {
            Ok(t) => Some(t),
            Err(e) => {
                hold(e)?;
                None
            }
        };
        let mut content = match content {
            Ok((c, _)) => c,
            Err(e) => {
                hold(e)?;
                self.content.partial_content(self.opts.drafts)
            }
        };
        let now = self.opts.clock.now();
        let scheduled = if self.opts.future {
            0
        } else {
            content.hold_back_future(now)
        };
        let result = self.model_and_render(config, templates.as_ref(), content, now, sink, start);
        self.templates = templates;
        match result {
            Ok(mut run) if held.is_empty() => {
                run.scheduled = scheduled;
                run.elapsed = start.elapsed();
                Ok(run)
            }
            Ok(_) => Err(Error::Diagnostics(held)),
            Err(Error::Diagnostics(d)) => {
                held.extend(d);
                Err(Error::Diagnostics(held))
            }
            Err(other) => Err(other),
        }
    }
}
