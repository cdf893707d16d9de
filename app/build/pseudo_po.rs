//! The test-only pseudo-language's UI catalogue, written from the template at build time (only
//! with the `pseudo-language` feature): every message in the pseudo-language of
//! `komek_domain::language::pseudo`, beside copies of the real catalogues.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

#[path = "../../domain/src/language/pseudo.rs"]
mod pseudo;

fn unquote(line: &str) -> String {
    let inner = line.trim();
    let inner = inner.strip_prefix('"').unwrap_or(inner);
    let inner = inner.strip_suffix('"').unwrap_or(inner);
    inner
        .replace("\\\"", "\"")
        .replace("\\n", "\n")
        .replace("\\\\", "\\")
}

fn quote(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n");
    format!("\"{escaped}\"")
}

/// One message of the template: its context lines, msgid and plural, if any.
#[derive(Default)]
struct Message {
    context: Option<String>,
    id: String,
    plural: Option<String>,
}

fn messages(template: &str) -> Vec<Message> {
    let mut found = Vec::new();
    for block in template.split("\n\n") {
        let mut message = Message::default();
        let mut target: Option<u8> = None; // 0 context, 1 id, 2 plural
        for line in block.lines() {
            if let Some(rest) = line.strip_prefix("msgctxt ") {
                message.context = Some(unquote(rest));
                target = Some(0);
            } else if let Some(rest) = line.strip_prefix("msgid_plural ") {
                message.plural = Some(unquote(rest));
                target = Some(2);
            } else if let Some(rest) = line.strip_prefix("msgid ") {
                message.id = unquote(rest);
                target = Some(1);
            } else if line.starts_with("msgstr") {
                target = None;
            } else if line.starts_with('"') {
                let more = unquote(line);
                match target {
                    Some(0) => message
                        .context
                        .get_or_insert_with(String::new)
                        .push_str(&more),
                    Some(1) => message.id.push_str(&more),
                    Some(2) => message
                        .plural
                        .get_or_insert_with(String::new)
                        .push_str(&more),
                    _ => {}
                }
            }
        }
        if !message.id.is_empty() {
            found.push(message);
        }
    }
    found
}

fn catalogue(template: &str) -> String {
    let mut out = String::from(
        "msgid \"\"\nmsgstr \"\"\n\"Content-Type: text/plain; charset=UTF-8\\n\"\n\"Plural-Forms: nplurals=2; plural=(n != 1);\\n\"\n",
    );
    for m in messages(template) {
        out.push('\n');
        if let Some(context) = &m.context {
            out.push_str(&format!("msgctxt {}\n", quote(context)));
        }
        out.push_str(&format!("msgid {}\n", quote(&m.id)));
        match &m.plural {
            Some(plural) => {
                out.push_str(&format!("msgid_plural {}\n", quote(plural)));
                out.push_str(&format!("msgstr[0] {}\n", quote(&pseudo::text(&m.id))));
                out.push_str(&format!("msgstr[1] {}\n", quote(&pseudo::text(plural))));
            }
            None => out.push_str(&format!("msgstr {}\n", quote(&pseudo::text(&m.id)))),
        }
    }
    out
}

/// Copies the catalogues under `source` to `out/translations` and adds the pseudo-language's;
/// returns the folder to bundle.
pub fn write(source: &Path, out: &Path) -> io::Result<PathBuf> {
    let target = out.join("translations");
    for entry in fs::read_dir(source)? {
        let entry = entry?;
        let po = entry.path().join("LC_MESSAGES/komek-kiosk.po");
        if po.is_file() {
            let dir = target.join(entry.file_name()).join("LC_MESSAGES");
            fs::create_dir_all(&dir)?;
            fs::copy(&po, dir.join("komek-kiosk.po"))?;
        }
    }
    let template = fs::read_to_string(source.join("komek-kiosk.pot"))?;
    let dir = target.join(pseudo::CODE).join("LC_MESSAGES");
    fs::create_dir_all(&dir)?;
    fs::write(dir.join("komek-kiosk.po"), catalogue(&template))?;
    Ok(target)
}
