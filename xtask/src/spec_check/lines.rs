//! Maps JSON pointers to lines of the YAML text.
//!
//! serde_yaml_ng, which reads the document for the rules (and for the build), keeps no
//! positions, so this module reads the text a second time with saphyr-parser, whose events
//! carry a span, and records the line where each mapping key or sequence item starts.
//! Flow collections (`[a, b]`, `{type: string}`) are covered as well as block ones. Nodes
//! reached through an alias, or under a complex (non-scalar) key, have no entry of their own;
//! [`LineIndex::line`] then answers with the line of the nearest ancestor that has one.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser};

use super::document::push_pointer;

/// Where each node of the document starts.
#[derive(Debug, Default)]
pub struct LineIndex {
    lines: HashMap<String, usize>,
}

enum Frame {
    /// A mapping at `pointer`; `key` holds the key whose value comes next.
    Mapping { pointer: String, key: Option<Key> },
    /// A sequence at `pointer`; `next` is the index of the next item.
    Sequence { pointer: String, next: usize },
    /// A collection used as a mapping key: nothing under it is addressable.
    Skipped,
}

enum Key {
    Scalar(String),
    Complex,
}

impl LineIndex {
    /// Indexes `text`; a text that saphyr cannot parse yields the entries read up to the error.
    pub fn new(text: &str) -> Self {
        let mut lines = HashMap::new();
        let mut stack: Vec<Frame> = Vec::new();
        let mut skip_depth = 0usize;

        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let line = span.start.line();
            let opens = match event {
                Event::MappingStart(..) => Some(true),
                Event::SequenceStart(..) => Some(false),
                Event::Scalar(..) | Event::Alias(..) => None,
                Event::MappingEnd | Event::SequenceEnd => {
                    if skip_depth > 0 {
                        skip_depth -= 1;
                        if skip_depth == 0 {
                            stack.pop();
                        }
                    } else {
                        stack.pop();
                    }
                    continue;
                }
                _ => continue,
            };
            if skip_depth > 0 {
                if opens.is_some() {
                    skip_depth += 1;
                }
                continue;
            }

            // Work out the pointer of this node, or record it as a mapping key.
            let pointer = match stack.last_mut() {
                None => Some(String::new()),
                Some(Frame::Skipped) => None,
                Some(Frame::Sequence { pointer, next }) => {
                    let child = push_pointer(pointer, &next.to_string());
                    *next += 1;
                    Some(child)
                }
                Some(Frame::Mapping { pointer, key }) => match key.take() {
                    None => {
                        // This node is a key.
                        if let Event::Scalar(text, ..) = &event {
                            let child = push_pointer(pointer, text);
                            lines.entry(child).or_insert(line);
                            *key = Some(Key::Scalar(text.to_string()));
                        } else {
                            *key = Some(Key::Complex);
                            if opens.is_some() {
                                stack.push(Frame::Skipped);
                                skip_depth = 1;
                            }
                        }
                        continue;
                    }
                    Some(Key::Scalar(name)) => Some(push_pointer(pointer, &name)),
                    Some(Key::Complex) => None,
                },
            };

            match (opens, pointer) {
                (Some(is_mapping), Some(pointer)) => {
                    lines.entry(pointer.clone()).or_insert(line);
                    stack.push(if is_mapping {
                        Frame::Mapping { pointer, key: None }
                    } else {
                        Frame::Sequence { pointer, next: 0 }
                    });
                }
                (Some(_), None) => {
                    stack.push(Frame::Skipped);
                    skip_depth = 1;
                }
                (None, Some(pointer)) => {
                    lines.entry(pointer).or_insert(line);
                }
                (None, None) => {}
            }
        }
        LineIndex { lines }
    }

    /// The line of the node at `pointer`, or of its nearest indexed ancestor.
    pub fn line(&self, pointer: &str) -> Option<usize> {
        let mut pointer = pointer;
        loop {
            if let Some(line) = self.lines.get(pointer) {
                return Some(*line);
            }
            let cut = pointer.rfind('/')?;
            pointer = &pointer[..cut];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
openapi: 3.0.3
info:
  title: t
paths:
  /a/{id}:
    get:
      tags: [one, two]
      parameters:
        - name: id
          schema: {type: string}
";

    #[test]
    fn keys_and_items_map_to_their_lines() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.line(""), Some(1));
        assert_eq!(index.line("/openapi"), Some(1));
        assert_eq!(index.line("/info/title"), Some(3));
        assert_eq!(index.line("/paths/~1a~1{id}/get"), Some(6));
        assert_eq!(index.line("/paths/~1a~1{id}/get/tags/1"), Some(7));
        assert_eq!(index.line("/paths/~1a~1{id}/get/parameters/0"), Some(9));
        assert_eq!(
            index.line("/paths/~1a~1{id}/get/parameters/0/schema/type"),
            Some(10)
        );
    }

    #[test]
    fn unknown_pointers_fall_back_to_the_nearest_ancestor() {
        let index = LineIndex::new(TEXT);
        assert_eq!(index.line("/info/title/nothing/here"), Some(3));
        assert_eq!(index.line("/nothing"), Some(1));
    }

    #[test]
    fn complex_keys_do_not_derail_the_index() {
        let index = LineIndex::new("a:\n  ? [x, y]\n  : 1\n  b: 2\n");
        assert_eq!(index.line("/a/b"), Some(4));
    }
}
