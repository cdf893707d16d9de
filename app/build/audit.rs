//! Writes `adapter_audit.rs`: a function that reads every property of every adapter global the
//! UI exports (strings, structs, each row of a model and the rows of a row's own models) as
//! text, so a test can search the whole UI for what must not stay in it. Generated from the
//! `.slint` sources, so a property added to an adapter is audited without anyone listing it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Types whose values can hold no text, so no personal data.
const TEXTLESS: &[&str] = &[
    "bool", "int", "float", "length", "color", "brush", "image", "duration", "percent", "Palette",
];

struct Property {
    name: String,
    ty: String,
}

fn slint_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            slint_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "slint") {
            out.push(path);
        }
    }
}

/// The names in `export { A, B, … }` of the main file: the globals Rust can reach.
fn exported_globals(main: &str) -> Vec<String> {
    main.lines()
        .filter_map(|l| l.trim().strip_prefix("export {"))
        .filter_map(|l| l.split('}').next())
        .flat_map(|names| names.split(','))
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
        .collect()
}

/// The fields of `export struct <name> { … }` (in any of `sources`) that are models: the
/// audit reads their rows too, which a struct's `Debug` leaves out.
fn model_fields(sources: &[String], name: &str) -> Vec<String> {
    let Some(body) = sources.iter().find_map(|s| {
        let start = s.find(&format!("export struct {name} {{"))?;
        let body = &s[start..];
        body.find('}').map(|end| body[..end].to_string())
    }) else {
        return Vec::new();
    };
    body.lines()
        .skip(1)
        .filter_map(|line| line.split("//").next()?.trim().split_once(':'))
        .filter(|(_, ty)| ty.trim().starts_with('['))
        .map(|(field, _)| field.trim().replace('-', "_"))
        .collect()
}

/// The properties declared in `export global <name> { … }` of `source`, if it is there; a
/// declaration it cannot read is an error, so nothing drops out of the audit unnoticed.
fn global_properties(source: &str, name: &str) -> Option<Result<Vec<Property>, String>> {
    let start = source.find(&format!("export global {name} {{"))?;
    let body = &source[start..];
    let mut depth = 0usize;
    let mut end = body.len();
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    end = i;
                    break;
                }
            }
            _ => {}
        }
    }
    let mut properties = Vec::new();
    for line in body[..end].lines() {
        let line = line.trim();
        let rest = ["in property", "in-out property", "out property"]
            .iter()
            .find_map(|p| line.strip_prefix(p));
        let Some(rest) = rest else { continue };
        let parsed = rest
            .trim()
            .strip_prefix('<')
            .and_then(|r| r.split_once('>'))
            .map(|(ty, after)| {
                let name: String = after
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_')
                    .collect();
                (ty.trim().to_string(), name)
            })
            .filter(|(ty, name)| !ty.is_empty() && !name.is_empty());
        match parsed {
            Some((ty, name)) => properties.push(Property { name, ty }),
            None => return Some(Err(format!("{name}: cannot read {line:?}"))),
        }
    }
    Some(Ok(properties))
}

pub fn write(ui_dir: &Path, out_file: &Path) -> Result<(), String> {
    let main = std::fs::read_to_string(ui_dir.join("main.slint")).map_err(|e| e.to_string())?;
    let mut files = Vec::new();
    slint_files(ui_dir, &mut files);
    let sources: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let mut code = String::from(
        "/// Every text-bearing property of every exported adapter, as `(\"Adapter.property\", value)`;\n\
         /// a model gives one entry per row.\n\
         pub fn adapter_values(app: &crate::AppWindow) -> Vec<(&'static str, String)> {\n\
         \x20   use slint::{ComponentHandle, Model};\n\
         \x20   let mut out: Vec<(&'static str, String)> = Vec::new();\n",
    );
    let exported = exported_globals(&main);
    if exported.is_empty() {
        return Err("main.slint exports no globals on an `export { … }` line".into());
    }
    for global in exported {
        let properties = sources
            .iter()
            .find_map(|s| global_properties(s, &global))
            .ok_or_else(|| {
                format!("{global} is exported but no `export global {global} {{` found")
            })??;
        let properties: Vec<Property> = properties
            .into_iter()
            .filter(|p| !TEXTLESS.contains(&p.ty.as_str()))
            .collect();
        if properties.is_empty() {
            continue;
        }
        let _ = writeln!(
            code,
            "    {{\n        let g = app.global::<crate::{global}>();"
        );
        for p in properties {
            let getter = format!("get_{}", p.name.replace('-', "_"));
            let label = format!("{global}.{}", p.name);
            let row_type = p.ty.trim_start_matches('[').trim_end_matches(']');
            // A row's own models (a notice's titles, a step's dates), one entry per inner row.
            let mut inner = String::new();
            for field in model_fields(&sources, row_type) {
                let _ = write!(
                    inner,
                    " for x in row.{field}.iter() {{ out.push((\"{label}.{field}\", format!(\"{{x:?}}\"))); }}"
                );
            }
            if p.ty.starts_with('[') {
                let _ = writeln!(
                    code,
                    "        for row in g.{getter}().iter() {{ out.push((\"{label}\", format!(\"{{row:?}}\")));{inner} }}"
                );
            } else {
                let _ = writeln!(
                    code,
                    "        {{ let row = g.{getter}(); out.push((\"{label}\", format!(\"{{row:?}}\")));{inner} }}"
                );
            }
        }
        code.push_str("    }\n");
    }
    code.push_str("    out\n}\n");
    std::fs::write(out_file, code).map_err(|e| e.to_string())
}
