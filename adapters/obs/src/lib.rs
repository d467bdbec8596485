//! stagehand-obs adapter.
