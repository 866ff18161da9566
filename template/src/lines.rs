//! Byte offset ↔ line and column conversion.

/// Start offsets of every line of a text, for O(log n) line lookups.
///
/// Which lines are pure ASCII is recorded too: on those a column is a byte count, so
/// converting between columns and offsets costs O(1) instead of a scan of the line
/// (a 5 MiB single-line flow sequence would otherwise cost a scan per node).
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: Vec<bool>,
}

impl LineIndex {
    /// Indexes the line starts of `text` (after `\n`; `\r\n` counts as one break).
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let ascii = if text.is_ascii() {
            vec![true; starts.len()]
        } else {
            let ends = starts.iter().skip(1).copied().chain([text.len()]);
            starts
                .iter()
                .zip(ends)
                .map(|(&s, e)| text.as_bytes()[s..e].is_ascii())
                .collect()
        };
        LineIndex { starts, ascii }
    }

    /// 1-based line and 1-based character column of byte `offset` in `text`.
    /// Offsets past the end or inside a character are clamped.
    pub fn line_col(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = if self.ascii[line - 1] {
            offset - start + 1
        } else {
            text[start..offset].chars().count() + 1
        };
        (line, column)
    }

    /// The offset of (1-based `line`, 0-based `col`) when that line is ASCII and the
    /// column falls inside it (its line break included); `None` otherwise.
    pub(crate) fn ascii_offset(&self, line: usize, col: usize) -> Option<usize> {
        let (start, next) = self.ascii_line(line)?;
        let offset = start.checked_add(col)?;
        (offset < next).then_some(offset)
    }

    /// Where 1-based `line` starts and the next begins (`usize::MAX` after the last),
    /// when the line is ASCII.
    pub(crate) fn ascii_line(&self, line: usize) -> Option<(usize, usize)> {
        let i = line.checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let next = self.starts.get(i + 1).copied().unwrap_or(usize::MAX);
        self.ascii.get(i).copied()?.then_some((start, next))
    }

    /// Byte offset of 1-based `line` and 0-based character column `col` in `text`.
    pub fn offset(&self, text: &str, line: usize, col: usize) -> usize {
        if let Some(offset) = self.ascii_offset(line, col)
            && offset <= text.len()
        {
            return offset;
        }
        let Some(&start) = self.starts.get(line.saturating_sub(1)) else {
            return text.len();
        };
        let rest = &text[start..];
        rest.char_indices()
            .nth(col)
            .map(|(i, _)| start + i)
            .unwrap_or_else(|| {
                // Column past the last character of the text.
                text.len()
            })
    }

    /// Byte range of 1-based `line`, without its line break.
    pub fn line_range(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self
            .starts
            .get(line.saturating_sub(1))
            .copied()
            .unwrap_or(text.len());
        let end = self
            .starts
            .get(line)
            .map(|&next| next - 1)
            .unwrap_or(text.len());
        let end = if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end - 1
        } else {
            end
        };
        start..end.max(start)
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Always false: even empty text has one line.
    pub fn is_empty(&self) -> bool {
        false
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_offsets_both_ways() {
        let text = "ab\nçd\r\nef";
        let lines = LineIndex::new(text);
        assert_eq!(lines.line_col(text, 0), (1, 1));
        assert_eq!(lines.line_col(text, 3), (2, 1));
        assert_eq!(lines.line_col(text, 5), (2, 2)); // after the two-byte ç
        assert_eq!(lines.offset(text, 2, 1), 5);
        assert_eq!(&text[lines.line_range(text, 2)], "çd");
        assert_eq!(&text[lines.line_range(text, 3)], "ef");
        assert_eq!(lines.line_col(text, 999), (3, 3));
    }
}
