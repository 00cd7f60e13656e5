//! What `update` asks the app loop to do; the loop performs effects, `update` stays pure.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Something visible changed: draw a frame (coalesced, at most 60 per second).
    Render,
    /// Leave the console: stop the sources, restore the terminal, return from `run`.
    Quit,
}
