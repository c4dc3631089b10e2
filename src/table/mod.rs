//! Tables: the lists of `findings.json` as CSV (for spreadsheets) and Parquet (for
//! notebooks), built with polars.
//!
//! Every table is made the same way, from the rows' own serialisation: each row becomes one
//! line, nested objects become `parent_child` columns, lists are left out (they have their
//! own tables). A column whose values are all whole numbers is an integer column, all
//! numbers a float column, all true/false a boolean column, otherwise text; null stays null.
//! So a table can never disagree with the JSON it mirrors.

use polars::prelude::{Column, CsvWriter, DataFrame, ParquetCompression, ParquetWriter, SerWriter};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::Path;

pub(crate) mod columns;

use crate::error::Error;
use columns::{Cell, Columns};

/// Where a table's rows are in findings.json (row `i`'s JSON pointer) and the pointers of
/// the derived figures `--public` suppressed ([`Table::from_rows_marked`]).
pub(crate) type Marks<'a> = (
    &'a dyn Fn(usize) -> String,
    &'a std::collections::BTreeSet<String>,
);

/// One output table: a name (the file stem) and its rows, as JSON objects or as typed
/// columns ([`Table::typed`]).
pub(crate) struct Table {
    /// File stem, e.g. `funders`.
    pub(crate) name: &'static str,
    rows: Vec<Map<String, Value>>,
    columns: Option<Box<Columns>>,
}

impl Table {
    /// A table from any serialisable rows; `public` applies disclosure control
    /// ([`crate::disclosure`]) before flattening.
    pub(crate) fn from_rows<T: Serialize>(
        public: bool,
        name: &'static str,
        rows: &[T],
    ) -> Result<Table, Error> {
        Table::from_rows_marked(public, name, rows, None)
    }

    /// [`Table::from_rows`] whose rows are items of findings.json: `marks` gives the JSON
    /// pointer of row `i` (`/partnerships/3`) and the pointers of the derived figures
    /// disclosure control suppressed, so that each gets its `_suppressed` marker here too
    /// ([`crate::disclosure::mark`]).
    pub(crate) fn from_rows_marked<T: Serialize>(
        public: bool,
        name: &'static str,
        rows: &[T],
        marks: Option<Marks<'_>>,
    ) -> Result<Table, Error> {
        let rows = rows
            .iter()
            .enumerate()
            .map(|(i, r)| {
                match if public {
                    crate::disclosure::to_public_value(r)
                } else {
                    serde_json::to_value(r)
                } {
                    Ok(Value::Object(mut m)) => {
                        if public {
                            let mut v = Value::Object(m);
                            if let Some((at, suppressed)) = marks {
                                crate::disclosure::mark(&mut v, &at(i), suppressed);
                            }
                            m = match v {
                                Value::Object(m) => m,
                                _ => Map::new(),
                            };
                        }
                        let mut flat = Map::new();
                        flatten("", m, &mut flat);
                        Ok(flat)
                    }
                    Ok(_) => Err(Error::Internal(format!("{name}: a row is not an object"))),
                    Err(e) => Err(Error::Internal(format!("{name}: {e}"))),
                }
            })
            .collect::<Result<_, _>>()?;
        Ok(Table {
            name,
            rows,
            columns: None,
        })
    }

    /// The same table as [`Table::from_rows`], laid out straight into typed columns
    /// ([`columns`]) without a JSON value per row: for the large output tables. With
    /// `public`, disclosure control works on JSON, so this is [`Table::from_rows`].
    pub(crate) fn typed<T: Serialize>(
        public: bool,
        name: &'static str,
        rows: &[T],
    ) -> Result<Table, Error> {
        if public {
            return Table::from_rows(public, name, rows);
        }
        let mut columns = Columns::default();
        for r in rows {
            columns
                .push(r)
                .map_err(|e| Error::Internal(format!("{name}: {e}")))?;
        }
        Ok(Table {
            name,
            rows: Vec::new(),
            columns: Some(Box::new(columns)),
        })
    }

    /// [`Table::typed`] for rows that are items of findings.json, `at(i)` being row `i`'s JSON
    /// pointer: under `public` the suppressed derived figures get their markers
    /// ([`Table::from_rows_marked`]).
    pub(crate) fn typed_marked<T: Serialize>(
        public: bool,
        name: &'static str,
        rows: &[T],
        at: &dyn Fn(usize) -> String,
        suppressed: &std::collections::BTreeSet<String>,
    ) -> Result<Table, Error> {
        if public {
            Table::from_rows_marked(public, name, rows, Some((at, suppressed)))
        } else {
            Table::typed(public, name, rows)
        }
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.columns.as_ref().map_or(self.rows.len(), |c| c.rows)
    }

    /// True when there are no rows.
    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The table as a polars DataFrame (columns in the rows' field order).
    ///
    /// Rows of one table nearly always have the same keys in the same order, so each row is
    /// first compared with the column list position by position (one string comparison per
    /// cell); only a row that differs is looked up by name. O(rows × columns).
    pub(crate) fn to_frame(&self) -> Result<DataFrame, Error> {
        if let Some(c) = &self.columns {
            let columns = c
                .names
                .iter()
                .zip(&c.cells)
                .map(|(name, cells)| typed_column(name, cells))
                .collect();
            return DataFrame::new(c.rows, columns)
                .map_err(|e| Error::Internal(format!("{}: {e}", self.name)));
        }
        let mut names: Vec<&str> = Vec::new();
        let mut known: std::collections::HashSet<&str> = std::collections::HashSet::new();
        for row in &self.rows {
            let same = row.len() == names.len() && row.keys().zip(&names).all(|(k, n)| k == n);
            if same {
                continue;
            }
            for k in row.keys() {
                if known.insert(k.as_str()) {
                    names.push(k);
                }
            }
        }
        // Column-major copies of the cells (references), filled in one pass over the rows.
        let mut cells: Vec<Vec<Option<&Value>>> = names
            .iter()
            .map(|_| Vec::with_capacity(self.rows.len()))
            .collect();
        for row in &self.rows {
            let same = row.len() == names.len() && row.keys().zip(&names).all(|(k, n)| k == n);
            if same {
                for (col, v) in cells.iter_mut().zip(row.values()) {
                    col.push(Some(v));
                }
            } else {
                for (col, name) in cells.iter_mut().zip(&names) {
                    col.push(row.get(*name));
                }
            }
        }
        let columns = names
            .iter()
            .zip(&cells)
            .map(|(name, col)| {
                let col: Vec<Cell> = col.iter().map(|v| v.map_or(Cell::Null, cell_of)).collect();
                typed_column(name, &col)
            })
            .collect();
        DataFrame::new(self.rows.len(), columns)
            .map_err(|e| Error::Internal(format!("{}: {e}", self.name)))
    }

    /// The rows, flattened (after disclosure control when public), of a table made by
    /// [`Table::from_rows`]; `None` for a [`Table::typed`] table, which keeps columns only.
    pub(crate) fn rows(&self) -> Option<&[Map<String, Value>]> {
        self.columns.is_none().then_some(&self.rows[..])
    }

    /// Writes the table as CSV to `path` (charts' data goes beside each chart).
    pub(crate) fn write_csv(&self, path: &Path) -> Result<(), Error> {
        write_csv_frame(&self.to_frame()?, path)
    }

    /// Writes `NAME.csv` and `NAME.parquet` into `dir`. The Parquet file keeps every text
    /// cell as it is; the CSV neutralises formulas ([`crate::present::csv_cell`]).
    pub(crate) fn write(&self, dir: &Path) -> Result<(), Error> {
        let mut df = self.to_frame()?;
        write_csv_frame(&df, &dir.join(format!("{}.csv", self.name)))?;
        let pq_path = dir.join(format!("{}.parquet", self.name));
        let f = create(&pq_path)?;
        ParquetWriter::new(f)
            .with_compression(ParquetCompression::Snappy)
            .finish(&mut df)
            .map_err(|e| output_error(&pq_path, e))?;
        Ok(())
    }
}

/// Writes a frame as CSV, every CSV fundflow writes goes through here: text cells that a
/// spreadsheet would read as a formula get a leading `'` ([`crate::present::csv_cell`]);
/// numeric, boolean and null cells are written as they are.
fn write_csv_frame(df: &DataFrame, path: &Path) -> Result<(), Error> {
    let mut safe = csv_safe(df).map_err(|e| output_error(path, e))?;
    let mut f = create(path)?;
    CsvWriter::new(&mut f)
        .include_header(true)
        .finish(&mut safe)
        .map_err(|e| output_error(path, e))
}

/// `df` with every text cell through [`crate::present::csv_cell`]; a column with nothing to
/// neutralise is kept as it is (a cheap copy). O(cells of text columns).
fn csv_safe(df: &DataFrame) -> polars::prelude::PolarsResult<DataFrame> {
    use crate::present::csv_cell;
    use polars::prelude::DataType;
    let columns = df
        .columns()
        .iter()
        .map(|col| {
            if col.dtype() != &DataType::String {
                return Ok(col.clone());
            }
            let text = col.str()?;
            let risky = text
                .iter()
                .flatten()
                .any(|s| matches!(csv_cell(s), std::borrow::Cow::Owned(_)));
            if !risky {
                return Ok(col.clone());
            }
            let cells: Vec<Option<String>> = text
                .iter()
                .map(|o| o.map(|s| csv_cell(s).into_owned()))
                .collect();
            Ok(Column::new(col.name().clone(), cells))
        })
        .collect::<polars::prelude::PolarsResult<Vec<Column>>>()?;
    DataFrame::new(df.height(), columns)
}

fn create(path: &Path) -> Result<std::fs::File, Error> {
    std::fs::File::create(path).map_err(|source| Error::Output {
        path: path.display().to_string(),
        source,
    })
}

fn output_error(path: &Path, e: polars::prelude::PolarsError) -> Error {
    Error::Output {
        path: path.display().to_string(),
        source: std::io::Error::other(e.to_string()),
    }
}

/// `{"a": {"b": 1}}` → `a_b = 1`; lists are dropped.
fn flatten(prefix: &str, m: Map<String, Value>, out: &mut Map<String, Value>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k
        } else {
            format!("{prefix}_{k}")
        };
        match v {
            Value::Object(inner) => flatten(&key, inner, out),
            Value::Array(_) => {}
            other => {
                out.insert(key, other);
            }
        }
    }
}

/// A JSON value (a flattened row's: never an object or a list) as a cell.
fn cell_of(v: &Value) -> Cell {
    match v {
        Value::Bool(b) => Cell::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Cell::U64(u),
            (_, Some(i), _) => Cell::I64(i),
            (_, _, Some(f)) => Cell::F64(f),
            _ => Cell::Null,
        },
        Value::String(s) => Cell::Str(s.clone()),
        Value::Null | Value::Array(_) | Value::Object(_) => Cell::Null,
    }
}

/// A typed column (see the module doc for the rules); both paths use it, so a JSON-built and
/// a typed table type their columns alike.
fn typed_column(name: &str, cells: &[Cell]) -> Column {
    let present = || cells.iter().filter(|c| **c != Cell::Null);
    let any = present().next().is_some();
    if any && present().all(|c| matches!(c, Cell::I64(_) | Cell::U64(_))) {
        let data: Vec<Option<i64>> = cells
            .iter()
            .map(|c| match c {
                Cell::I64(v) => Some(*v),
                Cell::U64(v) => i64::try_from(*v).ok(),
                _ => None,
            })
            .collect();
        Column::new(name.into(), data)
    } else if any && present().all(|c| matches!(c, Cell::I64(_) | Cell::U64(_) | Cell::F64(_))) {
        let data: Vec<Option<f64>> = cells
            .iter()
            .map(|c| match c {
                Cell::I64(v) => Some(*v as f64),
                Cell::U64(v) => Some(*v as f64),
                Cell::F64(v) => Some(*v),
                _ => None,
            })
            .collect();
        Column::new(name.into(), data)
    } else if any && present().all(|c| matches!(c, Cell::Bool(_))) {
        let data: Vec<Option<bool>> = cells
            .iter()
            .map(|c| match c {
                Cell::Bool(b) => Some(*b),
                _ => None,
            })
            .collect();
        Column::new(name.into(), data)
    } else {
        let data: Vec<Option<String>> = cells
            .iter()
            .map(|c| match c {
                Cell::Null => None,
                Cell::Str(s) => Some(s.clone()),
                other => Some(other.to_json().to_string()),
            })
            .collect();
        Column::new(name.into(), data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    struct Row {
        id: &'static str,
        n: usize,
        share: Option<f64>,
        rate: Rates,
        list: Vec<u8>,
    }

    #[derive(Serialize)]
    struct Rates {
        vcse: Option<f64>,
    }

    #[test]
    fn rows_become_typed_flat_columns() {
        let rows = [
            Row {
                id: "A",
                n: 2,
                share: Some(0.5),
                rate: Rates { vcse: None },
                list: vec![1],
            },
            Row {
                id: "B",
                n: 3,
                share: None,
                rate: Rates { vcse: Some(1.0) },
                list: vec![],
            },
        ];
        let t = Table::from_rows(false, "t", &rows).expect("table");
        let df = t.to_frame().expect("frame");
        let names: Vec<&str> = df.get_column_names().iter().map(|s| s.as_str()).collect();
        assert_eq!(names, ["id", "n", "share", "rate_vcse"]);
        assert_eq!(df.height(), 2);
        assert_eq!(
            df.column("n")
                .map(|c| c.dtype().to_string())
                .ok()
                .as_deref(),
            Some("i64")
        );
        assert_eq!(df.column("share").map(|c| c.null_count()).ok(), Some(1));
        assert_eq!(
            df.column("rate_vcse")
                .map(|c| c.dtype().to_string())
                .ok()
                .as_deref(),
            Some("f64")
        );
    }

    /// Both paths' frames: names, types and CSV text.
    fn both<T: Serialize>(what: &str, rows: &[T]) {
        let csv_of = |t: &Table| {
            let mut df = t.to_frame().expect("frame");
            let kinds: Vec<String> = df
                .get_column_names()
                .iter()
                .map(|n| {
                    let dtype = df.column(n.as_str()).map(|c| c.dtype().to_string());
                    format!("{n}:{dtype:?}")
                })
                .collect();
            let mut bytes = Vec::new();
            CsvWriter::new(&mut bytes)
                .include_header(true)
                .finish(&mut df)
                .expect("csv");
            (kinds, String::from_utf8(bytes).expect("utf-8"))
        };
        let json = Table::from_rows(false, "t", rows).expect("json path");
        let typed = Table::typed(false, "t", rows).expect("typed path");
        assert_eq!(json.len(), typed.len(), "{what}");
        assert_eq!(csv_of(&json), csv_of(&typed), "{what}");
    }

    #[test]
    fn typed_tables_equal_json_tables_on_the_example() {
        use crate::load::{load, DatasetSource, LoadOptions};
        let data = load(&DatasetSource::Example, &LoadOptions::default()).expect("example");
        let f = crate::findings::analyse(&data, &Default::default());
        both("funders", &f.funders);
        both("recipients", &f.recipients);
        both("partnerships", &f.partnerships);
        both("flags", &f.flags);
        both("payments", &f.payments.rows());
        both("sectors", &f.totals.by_sector);
        both("areas", &f.concentration.by_area);
        both("cliff", &f.cliff.by_quarter);
        both("intermediaries", &f.regranting.intermediaries);
        both("edges", &f.edges);
        both("groups", &f.equity.groups);
        both("burden", &f.equity.burden);
        both("trends", &f.trends);
        both("dominance", &f.dominance.by_area);
        assert!(f.edges.len() > 100, "the example has a real edge list");
    }

    #[derive(Serialize, Debug, Clone)]
    enum Kind {
        #[serde(rename = "a")]
        A,
        B,
    }

    #[derive(Serialize, Debug, Clone)]
    struct Wide {
        n: Option<i64>,
        x: Option<f64>,
        b: Option<bool>,
        s: Option<String>,
        kind: Kind,
        #[serde(flatten)]
        inner: Inner,
        nested: Option<Inner>,
        map: std::collections::BTreeMap<String, u32>,
        list: Vec<u8>,
    }

    #[derive(Serialize, Debug, Clone)]
    struct Inner {
        m: u64,
        y: f64,
    }

    proptest::proptest! {
        /// Any mix of nulls, negative and large integers, non-finite floats, nested and
        /// flattened objects, maps and lists lays out the same both ways.
        #[test]
        fn typed_path_equals_json_path(rows in proptest::collection::vec((
            proptest::option::of(proptest::num::i64::ANY),
            proptest::option::of(proptest::prop_oneof![proptest::num::f64::ANY, proptest::strategy::Just(f64::NAN)]),
            proptest::option::of(proptest::bool::ANY),
            proptest::option::of("[a-z]{0,3}"),
            proptest::bool::ANY,
            proptest::num::u64::ANY,
            proptest::option::of(0.0f64..10.0),
            proptest::collection::btree_map("[a-c]", 0u32..5, 0..3),
        ), 0..12)) {
            let rows: Vec<Wide> = rows
                .into_iter()
                .map(|(n, x, b, s, k, m, y, map)| Wide {
                    n, x, b, s,
                    kind: if k { Kind::A } else { Kind::B },
                    inner: Inner { m, y: y.unwrap_or(1.5) },
                    nested: y.map(|y| Inner { m: 1, y }),
                    map,
                    list: vec![1, 2],
                })
                .collect();
            both("wide", &rows);
        }
    }
}
