use super::facts::{Facts, Triage};
use super::sandbox::{hardened_engine, with_deadline, RuleLimits};
use rhai::{serde::from_dynamic, serde::to_dynamic, Dynamic, Engine, Scope, AST};
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A rules folder that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    #[error("cannot read rules at {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{file}: {message}")]
    Compile { file: PathBuf, message: String },
    #[error("no rule scripts (*.rhai) in {0}")]
    Empty(PathBuf),
}

struct Script {
    name: String,
    ast: AST,
}

/// The triage rules, compiled once: every `*.rhai` in the rules folder, run in file-name
/// order on the same `triage` map, each seeing the constant `facts`.
pub struct RuleSet {
    engine: Engine,
    scripts: Vec<Script>,
    timeout: Duration,
}

/// The triage of one message and, if the rules failed, why.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub triage: Triage,
    /// Set when a rule failed and `triage` is the fallback.
    pub failure: Option<String>,
}

impl RuleSet {
    /// Compiles every `*.rhai` of `dir`. Compile errors name the file and line.
    pub fn load(dir: &Path, limits: &RuleLimits) -> Result<RuleSet, RuleError> {
        let io = |source| RuleError::Io {
            path: dir.to_path_buf(),
            source,
        };
        let files = crate::files::with_extension(dir, "rhai").map_err(io)?;
        if files.is_empty() {
            return Err(RuleError::Empty(dir.to_path_buf()));
        }
        let sources = files
            .into_iter()
            .map(|path| {
                fs::read_to_string(&path)
                    .map(|text| (path.clone(), text))
                    .map_err(|source| RuleError::Io { path, source })
            })
            .collect::<Result<Vec<_>, _>>()?;
        RuleSet::compile(sources, limits)
    }

    /// Compiles scripts given as (file, source text).
    pub fn compile(
        sources: Vec<(PathBuf, String)>,
        limits: &RuleLimits,
    ) -> Result<RuleSet, RuleError> {
        let engine = hardened_engine(limits);
        // Strict variables: a misspelt name is a compile error, so the scope the
        // scripts will run in is declared here.
        let scope = fresh_scope(Dynamic::UNIT, Dynamic::UNIT);
        let mut scripts = Vec::with_capacity(sources.len());
        for (file, source) in sources {
            let mut ast =
                engine
                    .compile_with_scope(&scope, &source)
                    .map_err(|e| RuleError::Compile {
                        file: file.clone(),
                        message: e.to_string(),
                    })?;
            let name = file.file_name().map_or_else(
                || file.display().to_string(),
                |n| n.to_string_lossy().into(),
            );
            ast.set_source(name.clone());
            scripts.push(Script { name, ast });
        }
        Ok(RuleSet {
            engine,
            scripts,
            timeout: Duration::from_millis(limits.timeout_ms),
        })
    }

    pub fn script_names(&self) -> impl Iterator<Item = &str> {
        self.scripts.iter().map(|s| s.name.as_str())
    }

    /// Runs the rules on `facts`. Never fails: a failing rule gives the fallback triage
    /// and a log line naming the rule.
    pub fn evaluate(&self, facts: &Facts) -> Evaluation {
        let facts_value = match to_dynamic(facts) {
            Ok(v) => v,
            Err(e) => return self.fail(facts, None, format!("facts: {e}")),
        };
        let start = match to_dynamic(Triage::initial()) {
            Ok(v) => v,
            Err(e) => return self.fail(facts, None, format!("initial triage: {e}")),
        };
        let mut scope = fresh_scope(facts_value, start);
        let run = with_deadline(self.timeout, || {
            for script in &self.scripts {
                if let Err(e) = self.engine.run_ast_with_scope(&mut scope, &script.ast) {
                    return Err(format!("{}: {}", script.name, describe(&e)));
                }
            }
            Ok(())
        });
        let result = read_triage(&scope);
        match (run, result) {
            (Ok(()), Ok(mut triage)) => {
                // Red and orange always need a person, whatever a rule wrote.
                triage.needs_human |= triage.risk.requires_human();
                Evaluation {
                    triage,
                    failure: None,
                }
            }
            (Err(message), partial) => self.fail(facts, partial.ok().as_ref(), message),
            (Ok(()), Err(message)) => self.fail(facts, None, message),
        }
    }

    fn fail(&self, facts: &Facts, partial: Option<&Triage>, message: String) -> Evaluation {
        tracing::error!(target: "mingbai::rules", error = %message, "a rule failed; falling back to a person");
        Evaluation {
            triage: Triage::fallback(partial, facts),
            failure: Some(message),
        }
    }
}

/// A rule error in words; a stop by the deadline says why it stopped.
fn describe(error: &rhai::EvalAltResult) -> String {
    match error {
        rhai::EvalAltResult::ErrorTerminated(reason, pos) => format!("stopped at {pos}: {reason}"),
        other => other.to_string(),
    }
}

fn fresh_scope(facts: Dynamic, triage: Dynamic) -> Scope<'static> {
    let mut scope = Scope::new();
    scope.push_constant_dynamic("facts", facts);
    scope.push_dynamic("triage", triage);
    scope
}

fn read_triage(scope: &Scope) -> Result<Triage, String> {
    let value = scope
        .get_value::<Dynamic>("triage")
        .ok_or("the rules removed `triage`")?;
    from_dynamic(&value).map_err(|e| format!("the rules left an invalid `triage`: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::{Risk, Role};

    fn facts(text: &str) -> Facts {
        Facts {
            text: text.into(),
            terms: vec![],
            hits: vec![],
            top: None,
            known: Default::default(),
        }
    }

    fn rules(scripts: &[&str]) -> RuleSet {
        let sources = scripts
            .iter()
            .enumerate()
            .map(|(i, s)| (PathBuf::from(format!("{i}.rhai")), s.to_string()))
            .collect();
        RuleSet::compile(sources, &RuleLimits::default()).unwrap()
    }

    #[test]
    fn scripts_fill_the_triage_in_order() {
        let set = rules(&[
            r#"if mentions(facts.text, ["弄死我"]) { triage.risk = "red"; triage.role = "emergency"; }"#,
            r#"if triage.risk == "red" { return; } triage.risk = "yellow";"#,
        ]);
        let red = set.evaluate(&facts("他说要弄死我")).triage;
        assert_eq!(
            (red.risk, red.role, red.needs_human),
            (Risk::Red, Role::Emergency, true)
        );
        assert_eq!(set.evaluate(&facts("问个事")).triage.risk, Risk::Yellow);
    }

    #[test]
    fn a_runaway_rule_falls_back_to_a_person_and_keeps_a_found_danger() {
        let set = rules(&[
            r#"if mentions(facts.text, ["弄死我"]) { triage.risk = "red"; triage.role = "emergency"; }"#,
            "let n = 0; loop { n += 1; }",
        ]);
        let eval = set.evaluate(&facts("他要弄死我"));
        assert!(eval.failure.is_some());
        assert_eq!(eval.triage.risk, Risk::Red);
        assert_eq!(eval.triage.role, Role::Emergency);
        let eval = set.evaluate(&facts("问个事"));
        assert_eq!(
            (eval.triage.risk, eval.triage.role),
            (Risk::Orange, Role::GridWorker)
        );
        assert!(eval.triage.needs_human);
        // The engine is still usable afterwards.
        assert!(set.evaluate(&facts("再问")).failure.is_some());
    }

    #[test]
    fn an_unknown_id_written_by_a_rule_is_a_failure_not_a_crash() {
        let set = rules(&[r#"triage.role = "sheriff";"#]);
        let eval = set.evaluate(&facts("x"));
        assert!(eval.failure.unwrap().contains("invalid"));
        assert!(eval.triage.needs_human);
    }

    #[test]
    fn compile_errors_name_the_file_and_line() {
        let sources = vec![(PathBuf::from("10-bad.rhai"), "let x = ;\n".to_string())];
        let err = RuleSet::compile(sources, &RuleLimits::default())
            .err()
            .unwrap()
            .to_string();
        assert!(
            err.contains("10-bad.rhai") && err.contains("line 1"),
            "{err}"
        );
        let typo = vec![(
            PathBuf::from("t.rhai"),
            "triage.risk = fact.text;".to_string(),
        )];
        assert!(
            RuleSet::compile(typo, &RuleLimits::default()).is_err(),
            "strict variables"
        );
    }
}
