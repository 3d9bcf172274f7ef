//! Where a run's output goes: a sink receives every file whose bytes are new or changed.
//! `build` writes them into its staging folder, `check` drops them, `serve` keeps them.

use std::sync::{Arc, Mutex};

use crate::error::{Error, Result};

/// Receives every output file whose bytes are new or changed, as soon as it is ready, from
/// several threads at once.
pub type Sink<'a> = &'a (dyn Fn(&str, &[u8]) -> Result<()> + Sync);

/// A sink that keeps every file in memory: (output file, bytes), for `serve` and tests.
#[derive(Default)]
pub struct Collect(pub Mutex<Vec<(String, Arc<[u8]>)>>);

impl Collect {
    pub fn push(&self, file: &str, bytes: &[u8]) -> Result<()> {
        self.0
            .lock()
            .map_err(|_| Error::Message("a render thread failed".into()))?
            .push((file.to_string(), Arc::from(bytes)));
        Ok(())
    }

    /// Takes every file collected so far.
    pub fn take(&self) -> Vec<(String, Arc<[u8]>)> {
        self.0
            .lock()
            .map(|mut v| std::mem::take(&mut *v))
            .unwrap_or_default()
    }

    /// A copy of every file collected so far.
    pub fn copy(&self) -> Vec<(String, Arc<[u8]>)> {
        self.0.lock().map(|v| v.clone()).unwrap_or_default()
    }
}
