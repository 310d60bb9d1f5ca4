//! What one rendering may cost. A sender-role key chooses both the template and its data,
//! so without limits a 1.5 KB `TemplateData` inside `{{#each}}` renders hundreds of
//! megabytes, nested loops over an outer list (`{{#each ../list}}`) run for hours without
//! writing a byte, and mutually including inline partials recurse until the stack ends.
//! So a rendering gets a budget of output bytes (the message size limit), of loop
//! iterations (charged before each loop runs) and of time (checked at every iteration and
//! every write); `log` writes nothing; and templates may not define or include partials
//! (SES's templates do not use them either) nor nest deeper than a parser's stack allows.

use std::{
    io,
    sync::atomic::{AtomicBool, AtomicUsize, Ordering},
    sync::Arc,
    time::{Duration, Instant},
};

use handlebars::{
    BlockContext, BlockParams, Context, Handlebars, Helper, HelperDef, HelperResult, JsonValue,
    Output, RenderContext, RenderErrorReason, Renderable,
};

/// The largest rendered message: SES's 10 MB limit on a message, all parts together.
pub const MAX_RENDERED_BYTES: usize = 10 * 1024 * 1024;
/// Loop iterations one rendering may run, all loops together.
pub const MAX_ITERATIONS: usize = 1_000_000;
/// How long one rendering may take, all parts together.
pub const MAX_TIME: Duration = Duration::from_secs(2);
/// How deep blocks and sub-expressions may nest (the parser and renderer recurse).
pub const MAX_NESTING: usize = 32;

/// Why a rendering stopped early, in words for `InvalidTemplate` / `MessageRejected`.
pub const TOO_LARGE: &str = "renders to more than 10485760 bytes (the message size limit)";
pub const TOO_MANY_ITERATIONS: &str = "loops over more than 1000000 items in all";
pub const TOO_SLOW: &str = "takes longer than 2 seconds to render";

/// The budget of one rendering, shared by its parts and its loops.
#[derive(Debug)]
pub struct Budget {
    bytes_left: AtomicUsize,
    iterations_left: AtomicUsize,
    deadline: Instant,
    late: AtomicBool,
}

impl Default for Budget {
    fn default() -> Self {
        Self {
            bytes_left: AtomicUsize::new(MAX_RENDERED_BYTES),
            iterations_left: AtomicUsize::new(MAX_ITERATIONS),
            deadline: Instant::now() + MAX_TIME,
            late: AtomicBool::new(false),
        }
    }
}

impl Budget {
    /// Takes `amount` from `left`; false (and nothing taken) when not that much is left,
    /// or when the rendering's time is up.
    fn spend(&self, left: &AtomicUsize, amount: usize) -> bool {
        if Instant::now() > self.deadline {
            self.late.store(true, Ordering::Relaxed);
            return false;
        }
        left.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
            l.checked_sub(amount)
        })
        .is_ok()
    }

    /// Which limit, if any, this rendering ran into.
    pub fn exhausted(&self) -> Option<&'static str> {
        if self.late.load(Ordering::Relaxed) {
            Some(TOO_SLOW)
        } else if self.bytes_left.load(Ordering::Relaxed) == 0 {
            Some(TOO_LARGE)
        } else if self.iterations_left.load(Ordering::Relaxed) == 0 {
            Some(TOO_MANY_ITERATIONS)
        } else {
            None
        }
    }
}

/// Collects rendered output while there is budget for it.
pub struct BoundedWriter {
    pub budget: Arc<Budget>,
    pub written: Vec<u8>,
}

impl io::Write for BoundedWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        if !self.budget.spend(&self.budget.bytes_left, bytes.len()) {
            if !self.budget.late.load(Ordering::Relaxed) {
                self.budget.bytes_left.store(0, Ordering::Relaxed);
            }
            return Err(io::Error::other(TOO_LARGE));
        }
        self.written.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// `{{#each list}}…{{else}}…{{/each}}` over an array or an object, with `@index`, `@first`,
/// `@last`, `@key` and block parameters (`as |item key|`), charged one iteration per item
/// before the loop starts — so work is bounded even when the body writes nothing.
pub struct BoundedEach(pub Arc<Budget>);

impl HelperDef for BoundedEach {
    fn call<'reg: 'rc, 'rc>(
        &self,
        h: &Helper<'rc>,
        r: &'reg Handlebars<'reg>,
        ctx: &'rc Context,
        rc: &mut RenderContext<'reg, 'rc>,
        out: &mut dyn Output,
    ) -> HelperResult {
        let param = h
            .param(0)
            .ok_or(RenderErrorReason::ParamNotFoundForIndex("each", 0))?;
        // (key or index as the path segment, the key or index as a value, the item)
        let items: Vec<(String, JsonValue, &JsonValue)> = match param.value() {
            JsonValue::Array(list) => list
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), JsonValue::from(i), v))
                .collect(),
            JsonValue::Object(map) => map
                .iter()
                .map(|(k, v)| (k.clone(), JsonValue::from(k.as_str()), v))
                .collect(),
            _ => Vec::new(),
        };
        let Some(body) = h.template().filter(|_| !items.is_empty()) else {
            return match h.inverse() {
                Some(otherwise) => otherwise.render(r, ctx, rc, out),
                None => Ok(()),
            };
        };
        if !self.0.spend(&self.0.iterations_left, items.len()) {
            if !self.0.late.load(Ordering::Relaxed) {
                self.0.iterations_left.store(0, Ordering::Relaxed);
            }
            return Err(RenderErrorReason::Other(TOO_MANY_ITERATIONS.to_owned()).into());
        }
        let keyed = param.value().is_object();
        let last = items.len() - 1;
        for (i, (segment, key, item)) in items.into_iter().enumerate() {
            // Time is checked at every iteration: a body that writes nothing still runs.
            if !self.0.spend(&self.0.iterations_left, 0) {
                return Err(RenderErrorReason::Other(TOO_SLOW.to_owned()).into());
            }
            let mut block = BlockContext::new();
            // Paths keep `../` working; computed values (a subexpression's) are copied.
            match param.context_path() {
                Some(path) => {
                    let base = block.base_path_mut();
                    base.extend(path.iter().cloned());
                    base.push(segment);
                }
                None => block.set_base_value(item.clone()),
            }
            block.set_local_var("index", JsonValue::from(i));
            block.set_local_var("first", JsonValue::from(i == 0));
            block.set_local_var("last", JsonValue::from(i == last));
            if keyed {
                block.set_local_var("key", key.clone());
            }
            let mut params = BlockParams::new();
            if let Some((item_name, key_name)) = h.block_param_pair() {
                params.add_value(item_name, item.clone())?;
                params.add_value(key_name, key)?;
            } else if let Some(item_name) = h.block_param() {
                params.add_value(item_name, item.clone())?;
            }
            block.set_block_params(params);
            rc.push_block(block);
            let rendered = body.render(r, ctx, rc, out);
            rc.pop_block();
            rendered?;
        }
        Ok(())
    }
}

/// `{{log …}}`, which would write tenant-chosen text to the server's own log: nothing.
pub struct Silent;

impl HelperDef for Silent {
    fn call<'reg: 'rc, 'rc>(
        &self,
        _: &Helper<'rc>,
        _: &'reg Handlebars<'reg>,
        _: &'rc Context,
        _: &mut RenderContext<'reg, 'rc>,
        _: &mut dyn Output,
    ) -> HelperResult {
        Ok(())
    }
}

/// True if blocks (`{{#…}}`) or sub-expressions and literals (`(`, `[`) nest deeper than
/// `MAX_NESTING` anywhere in `part`: the template parser and renderer recurse on them, and
/// a deep enough template would exhaust a thread's stack (which aborts the process).
pub fn nests_too_deep(part: &str) -> bool {
    let (mut blocks, mut inside, mut brackets) = (0usize, false, 0usize);
    let bytes = part.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let rest = &bytes[i..];
        if !inside && rest.starts_with(b"{{") {
            inside = true;
            let tag = part[i + 2..].trim_start_matches(['{', '~']);
            if tag.starts_with('#') {
                blocks += 1;
            } else if tag.starts_with('/') {
                blocks = blocks.saturating_sub(1);
            }
            i += 2;
            continue;
        }
        if inside && rest.starts_with(b"}}") {
            inside = false;
            brackets = 0;
            i += 2;
            continue;
        }
        if inside {
            match bytes[i] {
                b'(' | b'[' => brackets += 1,
                b')' | b']' => brackets = brackets.saturating_sub(1),
                _ => {}
            }
        }
        if blocks > MAX_NESTING || brackets > MAX_NESTING {
            return true;
        }
        i += 1;
    }
    false
}

/// Where a template defines or includes a partial (`{{> name}}`, `{{#> name}}`,
/// `{{#*inline}}`) or uses another decorator (`{{* …}}`): refused, since partials can include
/// each other without end.
pub fn uses_partials(part: &str) -> bool {
    part.match_indices("{{").any(|(at, _)| {
        let rest = part[at + 2..].trim_start_matches(['{', '~']).trim_start();
        let rest = rest.strip_prefix('#').unwrap_or(rest).trim_start();
        rest.starts_with('>') || rest.starts_with('*')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partials_and_decorators_are_found_however_they_are_written() {
        for part in [
            "{{> footer}}",
            "{{~> footer}}",
            "{{#> layout}}x{{/layout}}",
            "{{#*inline \"a\"}}{{> b}}{{/inline}}",
            "{{ *decorator }}",
            "{{{> raw}}}",
        ] {
            assert!(uses_partials(part), "{part}");
        }
        for part in [
            "{{name}}",
            "{{#each items}}{{this}}{{/each}}",
            "a > b {{x}}",
            "{{!-- > --}}",
        ] {
            assert!(!uses_partials(part), "{part}");
        }
    }

    #[test]
    fn deep_nesting_is_found_in_blocks_and_expressions() {
        let deep_blocks = "{{#if a}}".repeat(40) + &"{{/if}}".repeat(40);
        assert!(nests_too_deep(&deep_blocks));
        let deep_expression = format!("{{{{x {}{}}}}}", "(not ".repeat(40), ")".repeat(40));
        assert!(nests_too_deep(&deep_expression));
        assert!(nests_too_deep(&format!("{{{{x {}}}}}", "[".repeat(40))));
        let fine = "{{#each a}}{{#if (eq x (lookup y 1))}}[x]{{/if}}{{/each}}".repeat(100);
        assert!(!nests_too_deep(&fine));
    }
}
