//! Schema conformance: the SQLite and the PostgreSQL migration trees must define one schema.
//!
//! Both trees are migrated into fresh databases and read back from the catalogues, table by
//! table and column by column: names, a type family, nullability, primary keys, and indexes
//! and unique constraints by their columns. A difference fails with the table and column it is
//! in, unless [`ALLOWED`] names it with its reason.

use std::collections::{BTreeMap, BTreeSet};

use sqlx::{AnyPool, Row};
use tierline_store::Backend;
use tierline_testkit::TestDb;

/// Differences that are meant, each with why. `"*"` covers a whole table's columns and indexes
/// (the table must still exist in both trees).
const ALLOWED: &[(&str, &str, &str)] = &[(
    "ticket_search",
    "*",
    "the search index: an FTS5 virtual table on SQLite (untyped columns, keyed by rowid), a \
     table of tsvectors with GIN indexes on PostgreSQL (keyed by ticket_id); search.rs and \
     dialect.rs speak to both",
)];

/// A column as both backends can describe it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    family: &'static str,
    nullable: bool,
    primary_key: bool,
}

/// A table's columns by name, and its indexes (unique or not, columns in order).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    columns: BTreeMap<String, Column>,
    indexes: BTreeSet<(bool, String)>,
}

pub type Schema = BTreeMap<String, Table>;

/// The family of a declared (SQLite) or catalogued (PostgreSQL) type.
fn family(declared: &str) -> &'static str {
    let t = declared.to_ascii_lowercase();
    if t.contains("int") {
        "integer"
    } else if t.contains("bool") {
        "boolean"
    } else if t.contains("json") {
        "json"
    } else if t.contains("timestamp") || t == "date" || t.starts_with("time") {
        "timestamp"
    } else if t.contains("char") || t.contains("text") || t.contains("clob") {
        "text"
    } else if t.contains("blob") || t == "bytea" {
        "blob"
    } else if t.contains("real") || t.contains("floa") || t.contains("doub") || t == "numeric" {
        "real"
    } else {
        "unknown"
    }
}

fn allowed(table: &str, column: &str) -> bool {
    ALLOWED
        .iter()
        .any(|&(t, c, _)| t == table && (c == "*" || c == column))
}

/// Every difference between the two schemas, one readable line each.
pub fn differences(sqlite: &Schema, postgres: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    let names: BTreeSet<&String> = sqlite.keys().chain(postgres.keys()).collect();
    for name in names {
        let (s, p) = match (sqlite.get(name), postgres.get(name)) {
            (Some(s), Some(p)) => (s, p),
            (Some(_), None) => {
                out.push(format!("table {name}: in the SQLite tree only"));
                continue;
            }
            (None, Some(_)) => {
                out.push(format!("table {name}: in the PostgreSQL tree only"));
                continue;
            }
            (None, None) => continue,
        };
        let columns: BTreeSet<&String> = s.columns.keys().chain(p.columns.keys()).collect();
        for column in columns {
            if allowed(name, column) {
                continue;
            }
            match (s.columns.get(column), p.columns.get(column)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => out.push(format!(
                    "table {name}, column {column}: SQLite has {a:?}, PostgreSQL has {b:?}"
                )),
                (Some(_), None) => out.push(format!(
                    "table {name}, column {column}: in the SQLite tree only"
                )),
                (None, Some(_)) => out.push(format!(
                    "table {name}, column {column}: in the PostgreSQL tree only"
                )),
                (None, None) => {}
            }
        }
        if allowed(name, "*") {
            continue;
        }
        for (unique, cols) in s.indexes.symmetric_difference(&p.indexes) {
            let kind = if *unique { "unique index" } else { "index" };
            let only = if s.indexes.contains(&(*unique, cols.clone())) {
                "SQLite"
            } else {
                "PostgreSQL"
            };
            out.push(format!(
                "table {name}: {kind} on ({cols}) in the {only} tree only"
            ));
        }
    }
    out
}

async fn sqlite_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::new();
    let tables = sqlx::query(
        "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'virtual') \
         AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for t in tables {
        let name: String = t.try_get("name").unwrap();
        let mut table = Table::default();
        let cols = sqlx::query(
            "SELECT name, type, \"notnull\" AS not_null, pk FROM pragma_table_info($1) ORDER BY cid",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for c in cols {
            let pk = c.try_get::<i64, _>("pk").unwrap() > 0;
            table.columns.insert(
                c.try_get("name").unwrap(),
                Column {
                    family: family(&c.try_get::<String, _>("type").unwrap()),
                    // A rowid table's primary key is never null, whatever `notnull` says.
                    nullable: c.try_get::<i64, _>("not_null").unwrap() == 0 && !pk,
                    primary_key: pk,
                },
            );
        }
        let indexes = sqlx::query(
            "SELECT name, \"unique\" AS uniq FROM pragma_index_list($1) WHERE origin <> 'pk'",
        )
        .bind(&name)
        .fetch_all(pool)
        .await
        .unwrap();
        for i in indexes {
            let index: String = i.try_get("name").unwrap();
            let cols = sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                .bind(&index)
                .fetch_all(pool)
                .await
                .unwrap()
                .iter()
                // An expression has no name; PostgreSQL's catalogue leaves it out too.
                .filter_map(|r| r.try_get::<Option<String>, _>("name").unwrap())
                .collect::<Vec<_>>()
                .join(",");
            table
                .indexes
                .insert((i.try_get::<i64, _>("uniq").unwrap() != 0, cols));
        }
        schema.insert(name, table);
    }
    schema
}

async fn postgres_schema(pool: &AnyPool) -> Schema {
    let mut schema = Schema::new();
    let cols = sqlx::query(
        "SELECT c.table_name::text AS tbl, c.column_name::text AS col, c.data_type::text AS ty, \
           c.is_nullable::text AS nullable, \
           CAST(EXISTS (SELECT 1 FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
              JOIN pg_namespace n ON n.oid = t.relnamespace \
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (ix.indkey) \
              WHERE ix.indisprimary AND n.nspname = 'public' AND t.relname = c.table_name \
                AND a.attname = c.column_name) AS INT) AS pk \
         FROM information_schema.columns c \
         WHERE c.table_schema = 'public' AND c.table_name <> '_sqlx_migrations' \
         ORDER BY c.table_name, c.ordinal_position",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for c in cols {
        let table: String = c.try_get("tbl").unwrap();
        schema.entry(table).or_default().columns.insert(
            c.try_get("col").unwrap(),
            Column {
                family: family(&c.try_get::<String, _>("ty").unwrap()),
                nullable: c.try_get::<String, _>("nullable").unwrap() == "YES",
                primary_key: c.try_get::<i32, _>("pk").unwrap() != 0,
            },
        );
    }
    let indexes = sqlx::query(
        "SELECT t.relname::text AS tbl, CAST(ix.indisunique AS INT) AS uniq, \
           COALESCE((SELECT string_agg(a.attname::text, ',' ORDER BY k.ord) \
              FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k (attnum, ord) \
              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), '') AS cols \
         FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid \
           JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = 'public' AND NOT ix.indisprimary AND t.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for i in indexes {
        let table: String = i.try_get("tbl").unwrap();
        schema.entry(table).or_default().indexes.insert((
            i.try_get::<i32, _>("uniq").unwrap() != 0,
            i.try_get("cols").unwrap(),
        ));
    }
    schema
}

async fn migrated(backend: Backend) -> (TestDb, AnyPool) {
    let db = TestDb::new(backend).await;
    db.store().await.close().await;
    let pool = AnyPool::connect(&db.url).await.unwrap();
    (db, pool)
}

/// On PostgreSQL's turn, both trees are compared; on SQLite's, its own tree is checked to
/// read back as known type families (so the comparison never rests on "unknown").
pub async fn the_two_migration_trees_define_one_schema(backend: Backend) {
    let (_lite_db, lite) = migrated(Backend::Sqlite).await;
    let sqlite = sqlite_schema(&lite).await;
    assert!(sqlite.contains_key("tickets"), "{sqlite:?}");
    if backend == Backend::Sqlite {
        let unknown: Vec<String> = sqlite
            .iter()
            .flat_map(|(t, table)| {
                table
                    .columns
                    .iter()
                    .filter(|(c, col)| col.family == "unknown" && !allowed(t, c))
                    .map(move |(c, _)| format!("table {t}, column {c}"))
            })
            .collect();
        assert!(unknown.is_empty(), "types of no known family: {unknown:#?}");
        return;
    }
    let (_pg_db, pg) = migrated(Backend::Postgres).await;
    let postgres = postgres_schema(&pg).await;
    // The catalogues were read, not merely both empty.
    let tickets = &postgres["tickets"];
    assert!(
        tickets.columns.len() > 10 && !tickets.indexes.is_empty(),
        "{tickets:?}"
    );
    let diff = differences(&sqlite, &postgres);
    assert!(
        diff.is_empty(),
        "the migration trees differ:\n{}",
        diff.join("\n")
    );
}

/// The comparison names the table and the column a one-sided migration touched.
pub async fn a_column_in_one_tree_only_is_named(_backend: Backend) {
    let column = |family, nullable| Column {
        family,
        nullable,
        primary_key: false,
    };
    let mut table = Table::default();
    table
        .columns
        .insert("subject".into(), column("text", false));
    table.indexes.insert((false, "subject".into()));
    let sqlite: Schema = [("tickets".to_owned(), table.clone())].into();
    let mut postgres = sqlite.clone();
    assert!(differences(&sqlite, &postgres).is_empty());
    let pg_tickets = postgres.get_mut("tickets").unwrap();
    pg_tickets
        .columns
        .insert("priority".into(), column("integer", true));
    pg_tickets
        .columns
        .insert("subject".into(), column("text", true));
    pg_tickets.indexes.insert((true, "priority".into()));
    postgres.insert("extra".into(), Table::default());
    assert_eq!(
        differences(&sqlite, &postgres),
        [
            "table extra: in the PostgreSQL tree only",
            "table tickets, column priority: in the PostgreSQL tree only",
            "table tickets, column subject: SQLite has Column { family: \"text\", nullable: false, \
             primary_key: false }, PostgreSQL has Column { family: \"text\", nullable: true, \
             primary_key: false }",
            "table tickets: unique index on (priority) in the PostgreSQL tree only",
        ]
    );
}
