//! The one place where the rhai engine is hardened. Every limit is set explicitly:
//! rhai's defaults differ between debug and release builds.

use rhai::{Dynamic, Engine};
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::time::{Duration, Instant};

/// Limits on what one evaluation of the rules may do.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct RuleLimits {
    /// Operations per script run (a runaway loop stops here).
    pub max_operations: u64,
    /// Depth of nested function calls.
    pub max_call_levels: usize,
    /// Nesting depth of expressions at top level and inside functions.
    pub max_expr_depth: usize,
    pub max_function_expr_depth: usize,
    /// Bytes in one string, items in one array or map.
    pub max_string_size: usize,
    pub max_array_size: usize,
    pub max_map_size: usize,
    /// Wall-clock time for all rules on one message, in milliseconds.
    pub timeout_ms: u64,
}

impl Default for RuleLimits {
    fn default() -> Self {
        RuleLimits {
            max_operations: 500_000,
            max_call_levels: 32,
            max_expr_depth: 64,
            max_function_expr_depth: 32,
            max_string_size: 64 * 1024,
            max_array_size: 10_000,
            max_map_size: 1_000,
            timeout_ms: 200,
        }
    }
}

thread_local! {
    /// The deadline of the evaluation running on this thread, read by `on_progress`.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// How many operations pass between two looks at the clock.
const CLOCK_EVERY_OPS: u64 = 1024;

/// Runs `f` with a wall-clock deadline that the engine's progress callback enforces.
pub fn with_deadline<T>(timeout: Duration, f: impl FnOnce() -> T) -> T {
    let previous = DEADLINE.with(|d| d.replace(Some(Instant::now() + timeout)));
    let result = f();
    DEADLINE.with(|d| d.set(previous));
    result
}

/// An engine with every sandbox limit set, no `eval`, no module import, output of
/// `print`/`debug` sent to the log, and the deadline check.
pub fn hardened_engine(limits: &RuleLimits) -> Engine {
    let mut engine = Engine::new();
    engine
        .set_max_operations(limits.max_operations)
        .set_max_call_levels(limits.max_call_levels)
        .set_max_expr_depths(limits.max_expr_depth, limits.max_function_expr_depth)
        .set_max_string_size(limits.max_string_size)
        .set_max_array_size(limits.max_array_size)
        .set_max_map_size(limits.max_map_size)
        .set_max_modules(0)
        .set_module_resolver(rhai::module_resolvers::DummyModuleResolver::new())
        .set_strict_variables(true);
    engine.disable_symbol("eval");
    engine.on_print(|text| tracing::info!(target: "mingbai::rules", "{text}"));
    engine.on_debug(|text, source, pos| {
        tracing::debug!(target: "mingbai::rules", "{} {pos}: {text}", source.unwrap_or("rules"))
    });
    engine.on_progress(|operations| {
        if operations % CLOCK_EVERY_OPS != 0 {
            return None;
        }
        let late = DEADLINE.with(|d| d.get().is_some_and(|deadline| Instant::now() > deadline));
        late.then(|| Dynamic::from("the rules ran past their time limit"))
    });
    super::helpers::register(&mut engine);
    engine
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runaway_loop_is_stopped_by_operations_limit() {
        let engine = hardened_engine(&RuleLimits::default());
        let err = engine.run("let x = 0; loop { x += 1; }").unwrap_err();
        assert!(err.to_string().contains("operations"), "{err}");
    }

    #[test]
    fn runaway_loop_is_stopped_by_the_deadline() {
        let limits = RuleLimits {
            max_operations: u64::MAX,
            ..RuleLimits::default()
        };
        let engine = hardened_engine(&limits);
        let err = with_deadline(Duration::from_millis(50), || {
            engine.run("let x = 0; loop { x += 1; }")
        })
        .unwrap_err();
        match *err {
            rhai::EvalAltResult::ErrorTerminated(token, _) => {
                assert!(token.to_string().contains("time limit"), "{token}")
            }
            other => panic!("expected termination, got {other}"),
        }
    }

    #[test]
    fn eval_import_and_huge_values_are_refused() {
        let engine = hardened_engine(&RuleLimits::default());
        assert!(engine.compile(r#"eval("1 + 1")"#).is_err(), "eval disabled");
        assert!(engine.run(r#"import "os" as os;"#).is_err(), "no modules");
        assert!(
            engine.run(r#"let s = "x"; loop { s += s; }"#).is_err(),
            "string cap"
        );
        assert!(
            engine.run("let a = []; loop { a.push(1); }").is_err(),
            "array cap"
        );
        let deep = format!("{}1{}", "(".repeat(200), ")".repeat(200));
        assert!(engine.compile(&deep).is_err(), "expression depth");
        assert!(
            engine.run("fn f(n) { f(n + 1) } f(0);").is_err(),
            "call levels"
        );
    }
}
