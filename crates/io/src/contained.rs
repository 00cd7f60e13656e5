//! Futures whose panics stay theirs: a source task that panics is reported by its
//! `JoinHandle` and restarted by its supervisor, while the terminal's panic hook asks
//! [`polling_contained`] and leaves the screen alone.

use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

thread_local! {
    /// Set while a contained task is being polled on this thread.
    static CONTAINED: Cell<bool> = const { Cell::new(false) };
}

/// True while a [`Contained`] future is being polled on this thread (a panic now is the
/// task's, not the console's).
pub fn polling_contained() -> bool {
    CONTAINED.with(Cell::get)
}

/// A future whose panics do not tear down the terminal: they are logged, and the task's
/// `JoinHandle` reports the panic to whoever supervises it.
pub struct Contained<F>(Pin<Box<F>>);

impl<F: Future> Contained<F> {
    pub fn new(future: F) -> Self {
        Contained(Box::pin(future))
    }
}

/// Clears the contained flag when polling ends, by return or by unwinding.
struct Reset(bool);

impl Drop for Reset {
    fn drop(&mut self) {
        CONTAINED.with(|flag| flag.set(self.0));
    }
}

impl<F: Future> Future for Contained<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let _reset = Reset(CONTAINED.with(|flag| flag.replace(true)));
        self.0.as_mut().poll(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn contained_flag_is_set_only_while_polling() {
        let inside = Contained::new(async { polling_contained() }).await;
        assert!(inside);
        assert!(!polling_contained());
        let panicked = tokio::spawn(Contained::new(async { panic!("boom") })).await;
        assert!(panicked.unwrap_err().is_panic());
        assert!(!polling_contained());
    }
}
