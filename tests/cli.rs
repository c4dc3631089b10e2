//! Integration tests: one binary (each file under tests/ would link the whole crate again).

mod cli {
    pub mod analyse;
    pub mod bad_input;
    pub mod chart_text;
    pub mod charts;
    pub mod compare;
    pub mod disclosure;
    pub mod encodings;
    pub mod fuzz;
    pub mod graph;
    pub mod hostile_names;
    pub mod interop;
    pub mod limits;
    pub mod merge;
    pub mod output_safety;
    pub mod parquet;
    pub mod payments;
    pub mod real_files;
    pub mod report;
    pub mod sectors;
    pub mod snapshots;
    pub mod support;
    pub mod synth;
    pub mod terminal;
    pub mod validate;
}
