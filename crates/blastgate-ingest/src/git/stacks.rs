//! Resources by identity in CloudFormation templates, Pulumi YAML programs
//! and CDK or Pulumi programs, and the CloudFormation properties whose
//! change replaces a resource that holds data (red team 29's F3: a logical
//! id, a construct id or a Pulumi name renamed read as an edit, where the
//! tools delete the resource and make a new, empty one).

use std::collections::{BTreeMap, BTreeSet};

use super::manifests::{MAX_EMPTIED_TEXT, MAX_TYPES_READ, program_construct, pulumi_token};

/// CloudFormation properties whose change makes CloudFormation replace a
/// resource that holds data ("Update requires: Replacement" in the
/// resource's reference: it makes the new resource, then deletes the old
/// one and what it held), by resource type. Names, the keys a table is
/// laid out by, encryption at rest and the snapshot a database is restored
/// from. Setting a name where CloudFormation generated one, or taking it
/// out, replaces too.
pub const CLOUDFORMATION_REPLACING: [(&str, &[&str]); 26] = [
    ("AWS::DynamoDB::Table", &["TableName", "KeySchema", "LocalSecondaryIndexes"]),
    ("AWS::DynamoDB::GlobalTable", &["TableName", "KeySchema", "LocalSecondaryIndexes"]),
    ("AWS::S3::Bucket", &["BucketName"]),
    (
        "AWS::RDS::DBInstance",
        &[
            "DBInstanceIdentifier",
            "DBName",
            "MasterUsername",
            "KmsKeyId",
            "StorageEncrypted",
            "CharacterSetName",
            "Timezone",
            "DBSnapshotIdentifier",
            "DBClusterIdentifier",
        ],
    ),
    (
        "AWS::RDS::DBCluster",
        &[
            "DBClusterIdentifier",
            "DatabaseName",
            "MasterUsername",
            "KmsKeyId",
            "StorageEncrypted",
            "SnapshotIdentifier",
            "Engine",
            "EngineMode",
            "AvailabilityZones",
            "DBSubnetGroupName",
        ],
    ),
    (
        "AWS::DocDB::DBCluster",
        &["DBClusterIdentifier", "MasterUsername", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier"],
    ),
    ("AWS::Neptune::DBCluster", &["DBClusterIdentifier", "KmsKeyId", "StorageEncrypted", "SnapshotIdentifier"]),
    ("AWS::Redshift::Cluster", &["ClusterIdentifier", "DBName", "MasterUsername"]),
    ("AWS::EFS::FileSystem", &["Encrypted", "KmsKeyId", "PerformanceMode"]),
    ("AWS::EC2::Volume", &["AvailabilityZone", "Encrypted", "KmsKeyId", "SnapshotId"]),
    ("AWS::ElastiCache::CacheCluster", &["ClusterName", "Engine"]),
    ("AWS::ElastiCache::ReplicationGroup", &["ReplicationGroupId", "AtRestEncryptionEnabled", "KmsKeyId"]),
    ("AWS::Kinesis::Stream", &["Name"]),
    ("AWS::SQS::Queue", &["QueueName", "FifoQueue"]),
    ("AWS::SNS::Topic", &["TopicName", "FifoTopic"]),
    ("AWS::MSK::Cluster", &["ClusterName"]),
    ("AWS::OpenSearchService::Domain", &["DomainName"]),
    ("AWS::Elasticsearch::Domain", &["DomainName"]),
    ("AWS::SecretsManager::Secret", &["Name"]),
    ("AWS::ECR::Repository", &["RepositoryName"]),
    ("AWS::Timestream::Table", &["DatabaseName", "TableName"]),
    ("AWS::Timestream::Database", &["DatabaseName"]),
    ("AWS::Logs::LogGroup", &["LogGroupName"]),
    ("AWS::Backup::BackupVault", &["BackupVaultName"]),
    ("AWS::Glue::Database", &["DatabaseInput"]),
    ("AWS::MemoryDB::Cluster", &["ClusterName"]),
];

/// Most names a program's imports bind ([`import_bindings`]).
const MAX_IMPORTS: usize = 256;

/// Most lines one import statement is read over.
const MAX_IMPORT_LINES: usize = 64;

/// What a program's imports bind its names to: a module, or a class of
/// one, by a canonical name that spellings of one import share, so that a
/// construct reads as the same class however its module is imported
/// (red team 34: `import { rds } from "@pulumi/aws"` instead of `import *
/// as aws`, or `import { Table } from "aws-cdk-lib/aws-dynamodb"`, read as
/// the table deleted).
pub(super) type Imports = BTreeMap<String, String>;

/// The names `lines` import (TypeScript's and JavaScript's `import ...
/// from "M"` and `require("M")`, Python's `import M as X` and `from M
/// import A as B`, Java's `import a.b.C;`), bound to [`Imports`]' canonical
/// names: the module's path without the libraries' own roots (`aws-cdk-lib`,
/// `aws_cdk`, `@pulumi`, `software.amazon.awscdk.services`) and without the
/// `aws-`/`aws_`/`pulumi_` prefixes of its parts (`aws-cdk-lib/aws-dynamodb`
/// is `dynamodb`, `pulumi_aws` and `@pulumi/aws` are `aws`), then the name
/// imported (`dynamodb.Table`, `aws.rds`).
pub(super) fn import_bindings(lines: &[&str]) -> Imports {
    let mut out = Imports::new();
    let mut at = 0;
    while let Some(line) = lines.get(at) {
        at += 1;
        let line = line.trim();
        let mut statement = line.to_owned();
        // A list of names over several lines: `import {` ... `} from "M"`,
        // Python's `from M import (` ... `)`.
        let open = |s: &str| (s.contains('{') && !s.contains('}')) || (s.ends_with('(') && !s.contains(')'));
        if (line.starts_with("import ") || line.starts_with("from ")) && open(line) {
            for next in lines.iter().skip(at).take(MAX_IMPORT_LINES) {
                at += 1;
                statement.push(' ');
                statement.push_str(next.trim());
                if next.contains('}') || next.contains(')') {
                    break;
                }
            }
        }
        bind_statement(&statement, &mut out);
        if out.len() >= MAX_IMPORTS {
            break;
        }
    }
    out
}

/// Adds what one import statement binds to `out`.
fn bind_statement(statement: &str, out: &mut Imports) {
    let mut bind = |name: &str, target: String| {
        let name = name.trim();
        let ok = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$');
        if ok && out.len() < MAX_IMPORTS {
            out.insert(name.to_owned(), target);
        }
    };
    // An item of a list of names from module `module`: a class (upper
    // case) or a module.
    let item = |module: &str, name: &str| {
        if name.starts_with(|c: char| c.is_ascii_uppercase()) {
            join(module, name)
        } else {
            join(module, &canonical_module(name))
        }
    };
    let quoted = |s: &str| {
        let s = s.trim().trim_end_matches(';').trim();
        let q = s.chars().next().filter(|c| matches!(c, '"' | '\''))?;
        s.get(1..)?.split(q).next().map(str::to_owned)
    };
    if let Some(body) = statement.strip_prefix("import ") {
        let body = body.trim_start().strip_prefix("type ").unwrap_or(body);
        if let Some((clause, module)) = body.rsplit_once(" from ")
            && let Some(module) = quoted(module)
        {
            // TypeScript and JavaScript.
            let module = canonical_module(&module);
            let clause = clause.trim();
            if let Some(alias) = clause.strip_prefix("* as ") {
                bind(alias, module.clone());
            }
            if let (Some(open), Some(close)) = (clause.find('{'), clause.rfind('}')) {
                for name in clause.get(open + 1..close).unwrap_or_default().split(',') {
                    let name = name.trim().strip_prefix("type ").unwrap_or(name.trim());
                    let (original, alias) = name.split_once(" as ").unwrap_or((name, name));
                    bind(alias, item(&module, original.trim()));
                }
            }
            return;
        }
        // Python (`import a.b as c, d`) and Java (`import a.b.C;`).
        if body.contains(['"', '\'']) || body.starts_with("static ") {
            return;
        }
        for part in body.trim_end_matches(';').split(',') {
            let part = part.trim();
            match part.split_once(" as ") {
                Some((path, alias)) => bind(alias, canonical_module(path.trim())),
                None => match part.rsplit_once('.') {
                    Some((path, class)) if class.starts_with(|c: char| c.is_ascii_uppercase()) => {
                        bind(class, join(&canonical_module(path), class));
                    }
                    _ => {
                        let first = part.split('.').next().unwrap_or(part);
                        bind(first, canonical_module(first));
                    }
                },
            }
        }
    } else if let Some(body) = statement.strip_prefix("from ")
        && let Some((module, names)) = body.split_once(" import ")
    {
        let module = canonical_module(module.trim());
        for name in names.trim().trim_start_matches('(').trim_end_matches(')').split(',') {
            let name = name.trim();
            let (original, alias) = name.split_once(" as ").unwrap_or((name, name));
            bind(alias, item(&module, original.trim()));
        }
    } else if let Some((left, right)) = statement.split_once("= require(")
        && let Some(module) = quoted(right)
    {
        let module = canonical_module(&module);
        let left = left.trim();
        match (left.find('{'), left.rfind('}')) {
            // `const { Table, Attribute: A } = require("M")`.
            (Some(open), Some(close)) if open < close => {
                for name in left.get(open + 1..close).unwrap_or_default().split(',') {
                    let (original, alias) = name.split_once(':').unwrap_or((name, name));
                    bind(alias, item(&module, original.trim()));
                }
            }
            _ => bind(left.rsplit(' ').next().unwrap_or_default(), module),
        }
    }
}

/// Whether a program's `text` imports the module of its own folder whose
/// file is named `stem` (`storage.ts`, `storage.py`): TypeScript's or
/// JavaScript's `from "./storage"` (`.js` or not), `require("./storage")`,
/// Python's `from .storage import` or `from . import storage`.
///
/// ```
/// use blastgate_ingest::git::imports_module;
/// assert!(imports_module(b"import { ordersTable } from \"./storage\";\n", "storage"));
/// assert!(imports_module(b"from .storage import orders_table\n", "storage"));
/// assert!(!imports_module(b"import { ordersTable } from \"./storage-old\";\n", "storage"));
/// ```
pub fn imports_module(text: &[u8], stem: &str) -> bool {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return false;
    }
    let text = String::from_utf8_lossy(text);
    let quoted = ["\"", "'"].iter().any(|q| {
        [format!("{q}./{stem}{q}"), format!("{q}./{stem}.js{q}"), format!("{q}./{stem}.ts{q}")]
            .iter()
            .any(|m| text.contains(m.as_str()))
    });
    quoted
        || text.lines().any(|l| {
            let l = l.trim();
            l.starts_with(&format!("from .{stem} import"))
                || (l.starts_with("from . import")
                    && l.trim_start_matches("from . import")
                        .split(',')
                        .any(|n| n.trim().split(' ').next() == Some(stem)))
        })
}

/// The files a program's `text`, in `folder`, imports, each as a path
/// without its extension and whether it is exact: a relative import
/// resolved from `folder` (TypeScript's or JavaScript's `from
/// "./helpers/tables"` or `require("../shared/db.js")`, Python's `from
/// .helpers.tables import x` or `from .helpers import tables`, each name
/// also as a module), or, not exact, the end of a path an absolute import
/// names (`from "@app/helpers/tables"` as `helpers/tables`, Python's
/// `from orders.helpers.tables import x` as `orders/helpers/tables`), of
/// two parts at least (a package's name, `constructs`, names no file). At
/// most 256; not read past [`MAX_EMPTIED_TEXT`].
///
/// ```
/// use blastgate_ingest::git::import_targets;
/// let ts = b"import { Construct } from \"constructs\";\nimport { makeTable } from \"./helpers/tables\";\n";
/// assert_eq!(import_targets(ts, "cdk/lib"), [("cdk/lib/helpers/tables".to_owned(), true)]);
/// let py = b"from .helpers import tables\nfrom orders_infra.shared.db import make_db\n";
/// let found = import_targets(py, "cdk/orders_infra");
/// assert!(found.contains(&("cdk/orders_infra/helpers/tables".to_owned(), true)));
/// assert!(found.contains(&("orders_infra/shared/db".to_owned(), false)));
/// ```
pub fn import_targets(text: &[u8], folder: &str) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> = Vec::new();
    let Some(text) = program_text(text) else { return found };
    let strip = |p: &str| {
        [".js", ".ts", ".mjs", ".cjs", ".jsx", ".tsx", ".py"]
            .iter()
            .find_map(|e| p.strip_suffix(e))
            .unwrap_or(p)
            .trim_end_matches('/')
            .to_owned()
    };
    let add = |found: &mut Vec<(String, bool)>, path: String, exact: bool| {
        let parts = path.split('/').filter(|s| !s.is_empty()).count();
        if (exact || parts >= 2) && found.len() < MAX_IMPORTS && !found.iter().any(|(p, _)| *p == path) {
            found.push((path, exact));
        }
    };
    for line in text.lines() {
        let l = line.trim();
        // TypeScript and JavaScript: the module a line quotes after `from`,
        // `require(` or `import`.
        let quoted = ["from ", "require(", "import "].iter().find_map(|k| {
            let rest = l.split_once(k)?.1.trim_start();
            let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            rest.get(1..)?.split(quote).next()
        });
        if let Some(spec) = quoted {
            if spec.starts_with("./") || spec.starts_with("../") {
                if let Some(path) = super::manifests::patch_target(folder, spec) {
                    add(&mut found, strip(&path), true);
                }
            } else {
                let spec = if spec.starts_with('@') { spec.split_once('/').map_or("", |(_, r)| r) } else { spec };
                add(&mut found, strip(spec), false);
            }
            continue;
        }
        // Python: `from MODULE import a, b`, `import MODULE`.
        let (module, names) = if let Some(rest) = l.strip_prefix("from ") {
            let Some((module, names)) = rest.split_once(" import ") else { continue };
            (module.trim(), names.trim_matches(['(', ')', ' ']))
        } else if let Some(rest) = l.strip_prefix("import ") {
            (rest.split([' ', ',']).next().unwrap_or_default(), "")
        } else {
            continue;
        };
        let dots = module.len() - module.trim_start_matches('.').len();
        let rest = module.trim_start_matches('.').replace('.', "/");
        let names: Vec<&str> =
            names.split(',').filter_map(|n| n.split_whitespace().next()).filter(|n| *n != "*").collect();
        if dots > 0 {
            let mut base = folder.to_owned();
            for _ in 1..dots {
                base = base.rsplit_once('/').map_or(String::new(), |(d, _)| d.to_owned());
            }
            let at = |name: &str| {
                [base.as_str(), rest.as_str(), name]
                    .iter()
                    .filter(|s| !s.is_empty())
                    .copied()
                    .collect::<Vec<_>>()
                    .join("/")
            };
            add(&mut found, at(""), true);
            for name in names {
                add(&mut found, at(name), true);
            }
        } else if !rest.is_empty() {
            add(&mut found, rest.clone(), false);
            for name in names {
                add(&mut found, format!("{rest}/{name}"), false);
            }
        }
    }
    found
}

/// `module` and `name` joined by a dot (`name` alone for no module).
fn join(module: &str, name: &str) -> String {
    match (module.is_empty(), name.is_empty()) {
        (true, _) => name.to_owned(),
        (_, true) => module.to_owned(),
        _ => format!("{module}.{name}"),
    }
}

/// A module path's canonical name (see [`import_bindings`]).
fn canonical_module(path: &str) -> String {
    const ROOTS: [&str; 8] =
        ["@pulumi", "aws-cdk-lib", "aws_cdk", "@aws-cdk", "software", "amazon", "awscdk", "services"];
    let parts = path.split(['/', '.']).filter(|s| !s.is_empty() && !ROOTS.contains(s)).map(|s| {
        let s = s.strip_prefix("pulumi_").or_else(|| s.strip_prefix("pulumi-")).unwrap_or(s);
        s.strip_prefix("aws-").or_else(|| s.strip_prefix("aws_")).filter(|r| !r.is_empty()).unwrap_or(s)
    });
    parts.collect::<Vec<_>>().join(".")
}

/// A dotted name of a program (`aws.rds.Instance`) as its imports resolve
/// it: its first part replaced by what an import binds it to, the modules
/// after it made canonical; as written when nothing binds its first part.
pub(super) fn resolve(name: &str, imports: &Imports) -> String {
    let mut parts = name.split('.');
    let first = parts.next().unwrap_or_default();
    let Some(bound) = imports.get(first) else { return name.to_owned() };
    let rest: Vec<&str> = parts.collect();
    let mut resolved = bound.clone();
    for (i, part) in rest.iter().enumerate() {
        let part = if i + 1 == rest.len() { (*part).to_owned() } else { canonical_module(part) };
        resolved = join(&resolved, &part);
    }
    resolved
}

/// The arguments of CDK constructs and Pulumi resources that hold data
/// whose change replaces them, by class as the file's imports name it:
/// the CDK's props that make the CloudFormation properties of
/// [`CLOUDFORMATION_REPLACING`] (`tableName` is `TableName`,
/// `partitionKey` the `KeySchema`), and Pulumi's arguments that its
/// providers mark `ForceNew`, as Terraform's of
/// `REPLACING_ARGUMENTS` (`dbName` is `db_name`). Compared as written in
/// any language's case (`dbName`, `db_name`, `DbName`).
pub const PROGRAM_REPLACING: [(&str, &[&str]); 29] = [
    ("dynamodb.Table", &["tableName", "partitionKey", "sortKey"]),
    ("dynamodb.TableV2", &["tableName", "partitionKey", "sortKey", "localSecondaryIndexes"]),
    ("s3.Bucket", &["bucketName"]),
    (
        "rds.DatabaseInstance",
        &["instanceIdentifier", "databaseName", "storageEncrypted", "storageEncryptionKey", "credentials"],
    ),
    (
        "rds.DatabaseCluster",
        &["clusterIdentifier", "defaultDatabaseName", "storageEncrypted", "storageEncryptionKey", "credentials"],
    ),
    ("sqs.Queue", &["queueName", "fifo"]),
    ("sns.Topic", &["topicName", "fifo"]),
    ("kinesis.Stream", &["streamName"]),
    ("efs.FileSystem", &["encrypted", "kmsKey", "performanceMode"]),
    ("ecr.Repository", &["repositoryName"]),
    ("secretsmanager.Secret", &["secretName"]),
    ("logs.LogGroup", &["logGroupName"]),
    ("opensearchservice.Domain", &["domainName"]),
    (
        "aws.rds.Instance",
        &[
            "identifier",
            "identifierPrefix",
            "availabilityZone",
            "dbName",
            "engine",
            "username",
            "kmsKeyId",
            "storageEncrypted",
            "snapshotIdentifier",
            "characterSetName",
        ],
    ),
    (
        "aws.rds.Cluster",
        &[
            "clusterIdentifier",
            "clusterIdentifierPrefix",
            "databaseName",
            "masterUsername",
            "engine",
            "engineMode",
            "kmsKeyId",
            "storageEncrypted",
            "snapshotIdentifier",
        ],
    ),
    ("aws.dynamodb.Table", &["name", "hashKey", "rangeKey", "localSecondaryIndexes"]),
    ("aws.elasticache.Cluster", &["clusterId", "engine"]),
    ("aws.elasticache.ReplicationGroup", &["replicationGroupId", "atRestEncryptionEnabled", "kmsKeyId"]),
    ("aws.s3.Bucket", &["bucket", "bucketPrefix"]),
    ("aws.s3.BucketV2", &["bucket", "bucketPrefix"]),
    ("aws.sqs.Queue", &["name", "namePrefix", "fifoQueue"]),
    ("aws.sns.Topic", &["name", "namePrefix", "fifoTopic"]),
    ("aws.kinesis.Stream", &["name"]),
    ("aws.efs.FileSystem", &["creationToken", "encrypted", "kmsKeyId", "performanceMode"]),
    ("aws.ebs.Volume", &["availabilityZone", "encrypted", "kmsKeyId", "snapshotId"]),
    ("aws.ecr.Repository", &["name"]),
    ("aws.secretsmanager.Secret", &["name", "namePrefix"]),
    ("gcp.sql.DatabaseInstance", &["name", "region", "project"]),
    ("gcp.storage.Bucket", &["name", "location", "project"]),
];

/// The replacing arguments of a program's class: its row of
/// [`PROGRAM_REPLACING`], or for a CDK L1 construct (`dynamodb.CfnTable`,
/// `elasticache.CfnCacheCluster`: CloudFormation's own resource, its props
/// the properties in camel case) the row of [`CLOUDFORMATION_REPLACING`]
/// for its type (`AWS::DynamoDB::Table`), compared in any case as the
/// props are.
fn program_replacing(class: &str) -> Option<&'static [&'static str]> {
    if let Some((_, wanted)) = PROGRAM_REPLACING.iter().find(|(c, _)| *c == class) {
        return Some(wanted);
    }
    let (service, name) = class.split_once('.')?;
    let name = name.strip_prefix("Cfn")?;
    CLOUDFORMATION_REPLACING
        .iter()
        .find(|(t, _)| {
            let mut parts = t.split("::").skip(1);
            parts.next().is_some_and(|s| s.eq_ignore_ascii_case(service)) && parts.next() == Some(name)
        })
        .map(|(_, wanted)| *wanted)
}

/// One resource's replacing values, by property or argument.
pub type ReplacingValues = BTreeMap<String, String>;

/// Most bytes of a construct's call read for its arguments.
const MAX_CALL_BYTES: usize = 16 * 1024;

/// How many constructs of each class a program's `text` makes, by the
/// class its imports name (see `declared_counts`, which reads a program's
/// lines as any infrastructure text's; this reads them as a program's:
/// comments by its own rules, so a `#` in TypeScript's `this.#orders` or a
/// `//` in a single-quoted URL hides nothing, red team 35).
///
/// ```
/// use blastgate_ingest::git::program_counts;
/// let ts = b"import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\nthis.#orders = new dynamodb.Table(this, 'Orders');\n";
/// assert_eq!(program_counts(ts).get("dynamodb.Table"), Some(&1));
/// ```
pub fn program_counts(text: &[u8]) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    let Some(text) = program_text(text) else { return counts };
    let lines: Vec<&str> = text.lines().collect();
    let imports = import_bindings(&lines);
    // The blocks enclosing the line, by indentation: each one's indent and
    // whether it is a loop's (`for`, `while`, `.forEach(`, `.map(`).
    // (And how many of them are loops'.)
    let mut enclosing: Vec<(usize, bool)> = Vec::new();
    let mut loops = 0usize;
    for line in &lines {
        let trimmed = line.trim_start().trim_start_matches("- ").trim_start();
        if trimmed.is_empty() {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        while let Some(&(at, looping)) = enclosing.last()
            && at >= indent
        {
            enclosing.pop();
            loops = loops.saturating_sub(usize::from(looping));
        }
        let looping = |s: &str| {
            ["for ", "for(", "while ", "while("].iter().any(|k| s.starts_with(k))
                || [".forEach(", ".map(", ".for_each("].iter().any(|k| s.contains(k))
        };
        if let Some(class) = program_construct(trimmed, &imports)
            && (counts.len() < MAX_TYPES_READ || counts.contains_key(&class))
        {
            // (Made in a loop, or a Python comprehension: as many as the
            // loop runs, which is not read; red team 35's O07, a loop
            // replacing constructs written one by one read as all but one
            // deleted. Taking the loop out still counts.)
            let in_loop = loops > 0
                || trimmed.split_once(" for ").is_some_and(|(_, rest)| rest.contains(" in "))
                || [".forEach(", ".map(", ".for_each("].iter().any(|k| trimmed.contains(k));
            let n = counts.entry(class).or_insert(0usize);
            *n = n.saturating_add(if in_loop { IN_A_LOOP } else { 1 });
        }
        let header = looping(trimmed);
        loops = loops.saturating_add(usize::from(header));
        enclosing.push((indent, header));
    }
    counts
}

/// What [`program_counts`] counts a construct made in a loop as: more
/// than any program writes out one by one.
pub const IN_A_LOOP: usize = 1 << 20;

/// The values of the [`PROGRAM_REPLACING`] arguments each construct of a
/// program states, by its identity (`CLASS` and id joined by a NUL, as in
/// `blastgate::git`) and the argument's name in lower case without `_`,
/// as [`cloudformation_replaces`] compares them: a literal (`c:`; Go's
/// `pulumi.String("x")` and `jsii.String("x")` as their literal, an object
/// or list of literals by its text without blanks), a template (`t:`,
/// `` `${env}-orders` ``) or an expression (`e:`: a variable, a call).
/// Read from TypeScript's and Go's props objects (`{ tableName: "orders"
/// }`, `&rds.InstanceArgs{DbName: ...}`) and Python's keyword arguments
/// (`db_name="orders"`) within the construct's call, and from a Pulumi
/// YAML resource's `properties:`.
///
/// ```
/// use blastgate_ingest::git::program_replacing_values;
/// let ts = b"import * as aws from \"@pulumi/aws\";\nconst db = new aws.rds.Instance(\"orders\", {\n  dbName: \"orders\",\n  instanceClass: \"db.t4g.large\",\n});\n";
/// let values = program_replacing_values(ts);
/// let db = &values["aws.rds.Instance\u{0}orders"];
/// assert_eq!(db["dbname"], "c:orders");
/// assert!(!db.contains_key("instanceclass"));
/// ```
pub fn program_replacing_values(text: &[u8]) -> BTreeMap<String, ReplacingValues> {
    let mut out = BTreeMap::new();
    let Some(text) = program_text(text) else { return out };
    let lines: Vec<&str> = text.lines().collect();
    let imports = import_bindings(&lines);
    let mut budget = MAX_CALLS_READ;
    // A DynamoDB table's local secondary indexes, added by a method of
    // the construct (`orders.addLocalSecondaryIndex({...})`): made only
    // with the table, so one added, taken out or changed replaces it (red
    // team 35). Read for the file's tables together (which table a
    // variable names is not followed; any of them replaced is the class's
    // destruction).
    let mut indexes: Vec<String> = Vec::new();
    for (at, line) in lines.iter().enumerate() {
        for method in ["addLocalSecondaryIndex", "add_local_secondary_index"] {
            if line.contains(method)
                && let Some(call) = call_text(&lines, at, method, MAX_CALL_BYTES, &mut budget)
                && indexes.len() < MAX_TYPES_READ
            {
                let squeezed: String =
                    call.chars().filter(|c| !c.is_whitespace()).map(|c| if c == '\'' { '"' } else { c }).collect();
                indexes.push(sorted_object(&resolve_names(&squeezed, &imports)));
            }
        }
    }
    indexes.sort();
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(class) = program_construct(trimmed, &imports) else { continue };
        let Some(wanted) = program_replacing(&class) else { continue };
        let Some(call) = call_text(&lines, at, &class, MAX_CALL_BYTES, &mut budget) else { continue };
        let Some(id) = construct_id(&call) else { continue };
        // (Arguments not all read: not compared.)
        let Some(arguments) = call_arguments(&call) else { continue };
        let values: BTreeMap<String, String> = arguments
            .into_iter()
            .filter(|(name, _)| wanted.iter().any(|w| argument_key(w) == *name))
            .filter_map(|(name, value)| Some((name, program_value(&value, &imports)?)))
            .collect();
        let mut values = values;
        if class.starts_with("dynamodb.Table") && !indexes.is_empty() {
            values.insert("localsecondaryindexes+".to_owned(), format!("c:{}", indexes.join(";")));
        }
        if out.len() < MAX_TYPES_READ {
            out.insert(format!("{class}\u{0}{id}"), values);
        }
    }
    // Pulumi YAML: `properties:` as YAML reads them.
    for resource in read_template(text.as_bytes()) {
        if resource.kind.contains("::") || !resource.read {
            continue;
        }
        let class = resource.kind.replace(':', ".");
        let Some(wanted) = program_replacing(&class) else { continue };
        let values = resource
            .properties
            .into_iter()
            .filter(|(name, _)| wanted.iter().any(|w| argument_key(w) == argument_key(name)))
            .filter_map(|(name, raw)| Some((argument_key(&name), raw.value()?)))
            .map(|(name, value)| (name, value.replacen("c:\"", "c:", 1).trim_end_matches('"').to_owned()))
            .collect();
        if out.len() < MAX_TYPES_READ {
            out.insert(format!("{}\u{0}{}", resource.kind, resource.id), values);
        }
    }
    out
}

/// An argument's name as [`program_replacing_values`] compares it.
fn argument_key(name: &str) -> String {
    name.chars().filter(|&c| c != '_').map(|c| c.to_ascii_lowercase()).collect()
}

/// Splits `text` at the commas outside brackets and quotes.
fn top_level_parts(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut nesting, mut start) = (Nesting::default(), 0usize);
    for (at, c) in text.char_indices() {
        if nesting.step(c) == Some(',') && nesting.depth == 0 {
            parts.push(text.get(start..at).unwrap_or_default());
            start = at + 1;
        }
    }
    parts.push(text.get(start..).unwrap_or_default());
    parts
}

/// The brackets open and the quote open over a program's text read a
/// character at a time.
#[derive(Default)]
struct Nesting {
    depth: usize,
    quote: Option<char>,
}

impl Nesting {
    /// Reads `c`: `Some(c)` when it is outside quotes (a bracket counted
    /// already), `None` within a quoted string or its quotes.
    fn step(&mut self, c: char) -> Option<char> {
        match (self.quote, c) {
            (Some(q), c) if c == q => self.quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'' | '`') => self.quote = Some(c),
            (None, '(' | '[' | '{') => {
                self.depth += 1;
                return Some(c);
            }
            (None, ')' | ']' | '}') => {
                self.depth = self.depth.saturating_sub(1);
                return Some(c);
            }
            (None, c) => return Some(c),
        }
        None
    }
}

/// The named arguments of a call's text (after its `(`): the pairs of a
/// props object or a Go struct literal among its arguments (`{ key: value
/// }`, `&x.Args{Key: value}`), and Python's `key=value`; by
/// [`argument_key`].
fn call_arguments(call: &str) -> Option<Vec<(String, String)>> {
    let mut out = Vec::new();
    let pair = |part: &str, separator: char| -> Option<(String, String)> {
        let (key, value) = part.split_once(separator)?;
        let key = key.trim().trim_matches(['"', '\'']);
        let ok = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        (ok && !value.starts_with('=')).then(|| (argument_key(key), value.trim().to_owned()))
    };
    let parts = top_level_parts(call);
    for (i, argument) in parts.iter().enumerate() {
        let argument = argument.trim();
        // `{ ... } satisfies TableProps`, `{ ... } as const`.
        let argument = match argument.rfind('}') {
            Some(close)
                if argument.get(close + 1..).is_some_and(|r| {
                    r.trim().is_empty() || r.trim_start().starts_with("satisfies ") || r.trim_start().starts_with("as ")
                }) =>
            {
                argument.get(..=close).unwrap_or(argument)
            }
            _ => argument,
        };
        if argument.starts_with("**") || argument.starts_with("...") {
            return None;
        }
        if let (Some(open), true) = (argument.find('{'), argument.ends_with('}')) {
            let inner = argument.get(open + 1..argument.len() - 1).unwrap_or_default();
            for part in top_level_parts(inner) {
                if part.trim().starts_with("...") {
                    // Props spread from elsewhere: not read.
                    return None;
                }
                out.extend(pair(part, ':'));
            }
        } else if let Some(found) = pair(argument, '=') {
            if matches!(found.0.as_str(), "args" | "props") {
                // Props built elsewhere (`args=aws.rds.InstanceArgs(...)`).
                return None;
            }
            out.push(found);
        } else if i >= 1 && !argument.is_empty() && leading_literal(argument).is_none() {
            // A props variable or call (`new Table(this, "Orders", props)`,
            // `aws.rds.Instance("orders", dbArgs)`): its values are not
            // read here (red team 35: read as each taken out).
            let scope = i == 1 && parts.first().is_some_and(|p| leading_literal(p.trim()).is_none());
            if !scope || argument.contains(['(', '.']) {
                return None;
            }
        }
    }
    Some(out)
}

/// A program argument's value as [`program_replacing_values`] writes it
/// (`None`: `false` or nothing, as if left out).
fn program_value(text: &str, imports: &Imports) -> Option<String> {
    let mut v = text.trim();
    // Go's and the CDK's wrappers of a literal.
    for wrapper in ["pulumi.String(", "pulumi.Bool(", "pulumi.Int(", "jsii.String(", "jsii.Bool(", "jsii.Number("] {
        if let Some(inner) = v.strip_prefix(wrapper).and_then(|r| r.strip_suffix(')')) {
            v = inner.trim();
        }
    }
    match v {
        "false" | "False" | "None" | "null" | "nil" | "undefined" | "" => return None,
        "true" | "True" => return Some("c:true".to_owned()),
        _ => {}
    }
    if v.parse::<f64>().is_ok() {
        return Some(format!("c:{v}"));
    }
    if let Some(quote) = v.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) {
        let body = v.get(1..)?;
        let close = body.find(quote)?;
        if close + 2 != v.len() {
            return Some("e:".to_owned());
        }
        let literal = body.get(..close)?;
        return Some(if literal.contains("${") { template(literal) } else { format!("c:{literal}") });
    }
    if v.starts_with(['{', '[']) && !v.contains(['(', '`']) && !v.contains("${") {
        // Literals in an object or a list: their text without blanks or
        // trailing commas, one kind of quotes.
        // (Names as the imports resolve them: `dynamodb.AttributeType.STRING`
        // and, imported by name, `AttributeType.STRING` alike.)
        let squeezed: String =
            v.chars().filter(|c| !c.is_whitespace()).map(|c| if c == '\'' { '"' } else { c }).collect();
        let resolved = resolve_names(&squeezed, imports);
        return Some(format!("c:{}", sorted_object(&resolved)));
    }
    // The CDK's database credentials, by the master user they name
    // (`rds.Credentials.fromGeneratedSecret("admin")`: another user
    // replaces the database; red team 35). A secret's, or a variable's,
    // is not compared.
    for call in ["fromGeneratedSecret(", "fromUsername(", "fromPassword(", "from_generated_secret(", "from_username("] {
        let Some((head, args)) = v.split_once(call) else { continue };
        if !head.ends_with("Credentials.") {
            continue;
        }
        let first = args.strip_suffix(')').map(top_level_parts).and_then(|parts| parts.first().copied());
        let first = first.map(|f| f.trim()).map(|f| f.strip_prefix("username=").unwrap_or(f).trim());
        // (A plain literal only: no call read within the call.)
        let literal = first.and_then(|f| {
            let quote = f.chars().next().filter(|c| matches!(c, '"' | '\''))?;
            let body = f.get(1..)?.strip_suffix(quote)?;
            (!body.contains(['"', '\'', '`', '$', '{'])).then_some(body)
        });
        if let Some(user) = literal {
            return Some(format!("c:user {user}"));
        }
    }
    Some("e:".to_owned())
}

/// An object or list literal without blanks, its keys sorted and trailing
/// commas dropped (red team 35: keys reordered read as a new key).
fn sorted_object(text: &str) -> String {
    sorted_object_within(text, MAX_OBJECT_DEPTH)
}

/// Most levels of an object literal [`sorted_object`] sorts (deeper ones
/// are kept as written: no unbounded recursion on hostile text).
const MAX_OBJECT_DEPTH: usize = 16;

/// [`sorted_object`] to `depth` more levels.
fn sorted_object_within(text: &str, depth: usize) -> String {
    if depth == 0 {
        return text.to_owned();
    }
    let sorted_object = |t: &str| sorted_object_within(t, depth - 1);
    if let Some(inner) = text.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
        let mut pairs: Vec<String> = top_level_parts(inner)
            .into_iter()
            .filter(|p| !p.is_empty())
            .map(|p| match p.split_once(':') {
                Some((k, v)) => format!("{}:{}", k.trim_matches(['"', '\'']), sorted_object(v)),
                None => p.to_owned(),
            })
            .collect();
        pairs.sort();
        return format!("{{{}}}", pairs.join(","));
    }
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        let items: Vec<String> =
            top_level_parts(inner).into_iter().filter(|p| !p.is_empty()).map(sorted_object).collect();
        return format!("[{}]", items.join(","));
    }
    text.to_owned()
}

/// `text` with each name outside quotes (`AttributeType.STRING`) as
/// [`resolve`] reads it, or as a bare name's import binds it.
fn resolve_names(text: &str, imports: &Imports) -> String {
    let mut out = String::with_capacity(text.len());
    let (mut quote, mut name) = (None::<char>, String::new());
    let flush = |name: &mut String, out: &mut String| {
        if name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let bare = imports.get(name.as_str()).filter(|_| !name.contains('.'));
            out.push_str(&bare.cloned().unwrap_or_else(|| resolve(name, imports)));
        } else {
            out.push_str(name);
        }
        name.clear();
    };
    for c in text.chars() {
        match quote {
            Some(q) => {
                out.push(c);
                if c == q {
                    quote = None;
                }
            }
            None if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '$' => name.push(c),
            None => {
                flush(&mut name, &mut out);
                if matches!(c, '"' | '\'' | '`') {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    flush(&mut name, &mut out);
    out
}

/// Most bytes of a call read for a construct's id, over its first lines.
const MAX_ID_BYTES: usize = 512;

/// Most bytes read after an `aliases` for the names it lists.
const MAX_ALIAS_BYTES: usize = 512;

/// The resources a CloudFormation template declares (its `Resources`
/// section, in YAML or JSON; a Serverless Framework service's under
/// `resources:`), and those of a Pulumi YAML program (`resources:`, each
/// with a `type: aws:rds:Instance`), as (type, logical id or name), in the
/// order written. A resource whose logical id changes is deleted and made
/// anew by both tools. Comments are skipped; a text longer than
/// [`MAX_EMPTIED_TEXT`] or holding a NUL byte is not read, and past
/// [`MAX_TYPES_READ`] resources the rest are not returned.
///
/// ```
/// use blastgate_ingest::git::template_resources;
/// let yaml = b"Resources:\n  Orders: # the table\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: !Sub '${Env}-orders'\n";
/// assert_eq!(template_resources(yaml), [("AWS::DynamoDB::Table".to_owned(), "Orders".to_owned())]);
/// let json = br#"{"Resources": {"Logs": {"Type": "AWS::S3::Bucket"}}}"#;
/// assert_eq!(template_resources(json), [("AWS::S3::Bucket".to_owned(), "Logs".to_owned())]);
/// ```
pub fn template_resources(text: &[u8]) -> Vec<(String, String)> {
    read_template(text).into_iter().map(|r| (r.kind, r.id)).collect()
}

/// The values of the [`CLOUDFORMATION_REPLACING`] properties each
/// CloudFormation resource of `text` states, by `TYPE.LogicalId` and
/// property, as [`cloudformation_replaces`] compares them: a constant
/// (`c:` and its value, scalars as text, so that `true` and `"true"` or a
/// list written in flow or block style read alike), a template (`t:`, the
/// text of a `!Sub` or of a string holding `${...}`) or an expression
/// (`e:`, any other intrinsic function or tag: `!Ref`, `!GetAtt`, `!If`).
/// A constant `false` reads as the property left out (its default).
///
/// ```
/// use blastgate_ingest::git::cloudformation_replacing_values;
/// let yaml = b"Resources:\n  Orders:\n    Type: AWS::DynamoDB::Table\n    Properties:\n      TableName: orders\n      KeySchema:\n        - {AttributeName: id, KeyType: HASH}\n      BillingMode: PAY_PER_REQUEST\n";
/// let values = cloudformation_replacing_values(yaml);
/// let orders = &values["AWS::DynamoDB::Table.Orders"];
/// assert_eq!(orders["TableName"], "c:\"orders\"");
/// assert_eq!(orders["KeySchema"], r#"c:[{"AttributeName":"id","KeyType":"HASH"}]"#);
/// assert!(!orders.contains_key("BillingMode"));
/// ```
pub fn cloudformation_replacing_values(text: &[u8]) -> BTreeMap<String, ReplacingValues> {
    let mut out = BTreeMap::new();
    for resource in read_template(text) {
        let Some((_, wanted)) = CLOUDFORMATION_REPLACING.iter().find(|(t, _)| *t == resource.kind) else { continue };
        if !resource.read {
            // (Properties not read: not compared.)
            continue;
        }
        let values: BTreeMap<String, String> = resource
            .properties
            .into_iter()
            .filter(|(name, _)| wanted.contains(&name.as_str()))
            .filter_map(|(name, raw)| Some((name, raw.value()?)))
            .collect();
        out.insert(format!("{}.{}", resource.kind, resource.id), values);
    }
    out
}

/// Whether a [`CLOUDFORMATION_REPLACING`] property going from `before` to
/// `after` (values of [`cloudformation_replacing_values`]; `None`: left
/// out) replaces its resource: set where it was not, or taken out (a name
/// CloudFormation generated, or one it no longer does), or two constants,
/// or two templates, that differ. An expression on either side is not
/// compared (its value is unknown here: a parameter's, another resource's).
///
/// ```
/// use blastgate_ingest::git::cloudformation_replaces;
/// assert!(cloudformation_replaces(Some("c:\"orders\""), Some("c:\"orders-v2\"")));
/// assert!(cloudformation_replaces(None, Some("c:\"orders\"")));
/// assert!(!cloudformation_replaces(Some("c:\"orders\""), Some("e:")));
/// assert!(!cloudformation_replaces(Some("t:${Env}-orders"), Some("t:${Env}-orders")));
/// ```
pub fn cloudformation_replaces(before: Option<&str>, after: Option<&str>) -> bool {
    match (before, after) {
        (None, None) => false,
        (Some(_), None) | (None, Some(_)) => true,
        (Some(b), Some(a)) => {
            // Templates with as many placeholders (a literal moved into
            // or out of one is not compared).
            let templates =
                b.starts_with("t:") && a.starts_with("t:") && b.matches("${}").count() == a.matches("${}").count();
            b != a && ((b.starts_with("c:") && a.starts_with("c:")) || templates)
        }
    }
}

/// The resources an infrastructure program makes, as (class, id), the id
/// `None` where it is not written as a literal: a CDK construct's id (`new
/// dynamodb.Table(this, "Orders", ...)`, Python's `dynamodb.Table(self,
/// "Orders", ...)`, Go's `awsdynamodb.NewTable(stack,
/// jsii.String("Orders"), ...)`) and a Pulumi resource's name (`new
/// aws.rds.Instance("orders", ...)`, `rds.NewInstance(ctx, "orders",
/// ...)`), within the construct's call. The class is named as in
/// `declared_counts`. An id written as anything but a plain literal (a
/// variable, a template with `${...}`, an f-string, a sum) is `None`: it
/// cannot be compared.
///
/// ```
/// use blastgate_ingest::git::program_identities;
/// let ts = b"const t = new dynamodb.Table(this, 'Orders', {\n});\nconst db = new aws.rds.Instance(\n  \"orders\",\n  {},\n);\n";
/// assert_eq!(program_identities(ts), [
///     ("dynamodb.Table".to_owned(), Some("Orders".to_owned())),
///     ("aws.rds.Instance".to_owned(), Some("orders".to_owned())),
/// ]);
/// ```
pub fn program_identities(text: &[u8]) -> Vec<(String, Option<String>)> {
    let Some(text) = program_text(text) else { return Vec::new() };
    let lines: Vec<&str> = text.lines().collect();
    let imports = import_bindings(&lines);
    let mut found = Vec::new();
    let mut budget = MAX_CALLS_READ;
    for (at, line) in lines.iter().enumerate() {
        let trimmed = line.trim_start();
        let Some(class) = program_construct(trimmed, &imports) else { continue };
        let call = call_text(&lines, at, &class, MAX_ID_BYTES, &mut budget);
        if found.len() < MAX_TYPES_READ {
            found.push((class, call.and_then(|c| construct_id(&c))));
        }
    }
    found
}

/// The arguments of the call that makes `class` on line `at` of `lines`:
/// the text after its `(`, over the lines that follow, up to its closing
/// `)` (at most `limit` bytes).
///
/// Each byte is scanned once a call, and `budget` (the bytes all of one
/// text's calls may read together, [`MAX_CALLS_READ`]) bounds the work on
/// a text of unclosed calls (a complexity audit); past it, `None`.
fn call_text(lines: &[&str], at: usize, class: &str, limit: usize, budget: &mut usize) -> Option<String> {
    let trimmed = lines.get(at)?.trim_start();
    let last = class.rsplit('.').next().unwrap_or(class);
    let open = trimmed.find(last).and_then(|s| trimmed.get(s..)?.find('(').map(|o| s + o))?;
    let mut call = String::new();
    // (Within the call's own parenthesis.)
    let mut nesting = Nesting { depth: 1, quote: None };
    let first = trimmed.get(open + 1..).unwrap_or_default();
    for (i, piece) in std::iter::once(first).chain(lines.iter().skip(at + 1).copied()).enumerate() {
        let room = limit.saturating_sub(call.len()).min(*budget);
        if room == 0 {
            break;
        }
        if i > 0 {
            call.push('\n');
        }
        let piece = piece.get(..floor_boundary(piece, room)).unwrap_or_default();
        *budget = budget.saturating_sub(piece.len() + 1);
        for (n, c) in piece.char_indices() {
            if matches!(nesting.step(c), Some(')' | ']' | '}')) && nesting.depth == 0 {
                // (Its arguments: the closing parenthesis left out.)
                call.push_str(piece.get(..n).unwrap_or(piece));
                return Some(call);
            }
        }
        call.push_str(piece);
    }
    (*budget > 0).then_some(call)
}

/// Most bytes the calls of one text are read over together
/// ([`call_text`]).
const MAX_CALLS_READ: usize = 4 * MAX_EMPTIED_TEXT;

/// A program's text as its readers read it ([`uncomment_program`]);
/// `None` for one longer than [`MAX_EMPTIED_TEXT`] or holding a NUL byte,
/// which is not read.
fn program_text(text: &[u8]) -> Option<String> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return None;
    }
    Some(uncomment_program(&String::from_utf8_lossy(text)))
}

/// A program's text with its comments as blanks, the line breaks kept:
/// `//` to the line's end and `/* ... */` outside strings quoted with
/// `"`, `'` or `` ` ``, and `#` to the line's end at a line's start or
/// after a blank (Python's; not TypeScript's `this.#orders`). Red team 35:
/// a `//` in a single-quoted URL read as a comment hid the rest of a call.
fn uncomment_program(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut previous = '\n';
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if let Some(q) = quote {
            out.push(c);
            if c == '\\' {
                if let Some(escaped) = chars.next() {
                    out.push(escaped);
                }
            } else if c == q || (c == '\n' && q != '`') {
                quote = None;
            }
            previous = c;
            continue;
        }
        match c {
            '"' | '\'' | '`' => quote = Some(c),
            '/' if chars.peek() == Some(&'/') => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '#' if previous.is_whitespace() => {
                while chars.peek().is_some_and(|&n| n != '\n') {
                    chars.next();
                }
                continue;
            }
            '/' if chars.peek() == Some(&'*') => {
                chars.next();
                let mut last = ' ';
                for n in chars.by_ref() {
                    if n == '\n' {
                        out.push('\n');
                    }
                    if last == '*' && n == '/' {
                        break;
                    }
                    last = n;
                }
                out.push(' ');
                previous = ' ';
                continue;
            }
            _ => {}
        }
        out.push(c);
        previous = c;
    }
    out
}

/// The files a Serverless Framework service includes with `${file(PATH)}`
/// (`resources: - ${file(resources/dynamodb.yml)}`, also with a selector,
/// `${file(./db.yml):Resources}`), as written, at most
/// [`MAX_TYPES_READ`]: their resources are the service's stack, wherever
/// the file is (red team 35's O53: a table moved into an included file in
/// a subfolder read as deleted). Not read past [`MAX_EMPTIED_TEXT`].
///
/// ```
/// use blastgate_ingest::git::file_includes;
/// let text = b"resources:\n  - ${file(resources/dynamodb.yml)}\n  - ${file('./s3.yml'):Resources}\n";
/// assert_eq!(file_includes(text), ["resources/dynamodb.yml", "./s3.yml"]);
/// ```
pub fn file_includes(text: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    if text.len() > MAX_EMPTIED_TEXT {
        return found;
    }
    let text = String::from_utf8_lossy(text);
    for piece in text.split("${file(").skip(1) {
        let Some((path, _)) = piece.split_once(')') else { continue };
        let path = path.trim().trim_matches(['"', '\'']).trim();
        if !path.is_empty() && !path.contains(['$', '{', '\n']) && found.len() < MAX_TYPES_READ {
            found.push(path.to_owned());
        }
    }
    found
}

/// The names a program or Pulumi YAML text lists in `aliases` (Pulumi's
/// resource option that keeps a renamed resource: `aliases: [{ name:
/// "orders" }]`, `aliases=[pulumi.Alias(name="orders")]`,
/// `pulumi.Aliases(...)`, YAML's `- name: orders`): the literals within
/// 512 bytes after each; and the construct ids of the AWS CDK's
/// `overrideLogicalId("OrdersE1F2A3B4")` (the logical id less its hash of
/// eight characters). A resource renamed whose old name is among them is
/// kept.
///
/// ```
/// use blastgate_ingest::git::aliased_names;
/// let ts = b"new aws.rds.Instance(\"orders-db\", {}, { aliases: [{ name: \"orders\" }] });\n";
/// assert!(aliased_names(ts).contains("orders"));
/// ```
pub fn aliased_names(text: &[u8]) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return names;
    }
    let raw = String::from_utf8_lossy(text);
    let text = uncomment_program(&raw);
    let lower = text.to_ascii_lowercase();
    let mut from = 0;
    let mut windows = 0usize;
    while let Some(at) = lower.get(from..).and_then(|rest| rest.find("aliases")) {
        windows += 1;
        if windows > MAX_TYPES_READ {
            break;
        }
        let start = from + at + "aliases".len();
        let end = floor_boundary(&text, start.saturating_add(MAX_ALIAS_BYTES));
        let window = text.get(start..end).unwrap_or_default();
        let lower_window = lower.get(start..end).unwrap_or_default();
        // An alias's `name` (`name: "orders"`, `name="orders"`, Go's
        // `Name: pulumi.String("orders")`, YAML's `- name: orders`); not
        // any literal after the word (red team 35: a CloudFront
        // distribution's `aliases:` kept a bucket's rename).
        let mut key = 0;
        while let Some(k) = lower_window.get(key..).and_then(|rest| rest.find("name")) {
            let after = window.get(key + k + 4..).unwrap_or_default();
            let after = after.trim_start_matches(['"', '\'']).trim_start();
            if let Some(value) = after.strip_prefix([':', '=']) {
                let value = value.trim_start();
                let value = value.strip_prefix("pulumi.String(").unwrap_or(value);
                let found = match leading_literal(value) {
                    Some(literal) => literal,
                    None => {
                        let bare: String = value.chars().take_while(|c| !c.is_whitespace() && *c != ',').collect();
                        (!bare.is_empty()).then_some(bare)
                    }
                };
                if let Some(name) = found
                    && names.len() < MAX_TYPES_READ
                {
                    names.insert(name);
                }
            }
            key += k + 4;
        }
        from = start;
    }
    // The AWS CDK's `overrideLogicalId("OrdersE1F2A3B4")`: a construct
    // renamed that keeps its old logical id (a construct's id and a hash
    // of its path) is kept.
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|rest| rest.find("overrideLogicalId(")) {
        let start = from + at + "overrideLogicalId(".len();
        if let Some(Some(id)) = leading_literal(text.get(start..).unwrap_or_default().trim_start()) {
            let hashed = id.len() > 8
                && id
                    .get(id.len() - 8..)
                    .is_some_and(|h| h.chars().all(|c| c.is_ascii_digit() || c.is_ascii_uppercase()));
            let id = if hashed { id.get(..id.len() - 8).unwrap_or_default().to_owned() } else { id };
            if !id.is_empty() && names.len() < MAX_TYPES_READ {
                names.insert(id);
            }
        }
        from = start;
    }
    names
}

/// The largest char boundary of `text` at most `at`.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while at > 0 && !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The id a construct's call `args` (the text after its `(`) gives it: a
/// literal first argument (Pulumi), or a literal second one after a scope
/// or context (`this`, `self`, `ctx`, `stack`), bare or in Go's
/// `jsii.String(...)`, or Python's `id=` or `resource_name=`. Each a whole
/// argument: `"Jobs" + suffix` is no literal.
fn construct_id(args: &str) -> Option<String> {
    let parts = top_level_parts(args);
    let literal = |part: &str| -> Option<Option<String>> {
        let part = part.trim();
        let part = part.strip_prefix("jsii.String(").and_then(|p| p.strip_suffix(')')).unwrap_or(part).trim();
        let found = leading_literal(part)?;
        Some(found.filter(|id| part.len() == id.len() + 2))
    };
    if let Some(id) = parts.first().and_then(|p| literal(p)) {
        return id;
    }
    for part in &parts {
        for key in ["id", "resource_name"] {
            if let Some(value) = part.trim().strip_prefix(key).and_then(|r| r.trim_start().strip_prefix('='))
                && !value.starts_with('=')
            {
                return literal(value).flatten();
            }
        }
    }
    let scope = parts.first()?.trim();
    let scope_ok = !scope.is_empty() && scope.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    if !scope_ok {
        return None;
    }
    literal(parts.get(1)?).flatten()
}

/// The literal `text` starts with: `Some(Some(id))` for a plain one,
/// `Some(None)` for a quoted text that is no plain literal (a template, an
/// f-string), `None` if `text` starts with no quote.
fn leading_literal(text: &str) -> Option<Option<String>> {
    let (text, formatted) = match text.strip_prefix(['f', 'F']) {
        Some(rest) if rest.starts_with(['"', '\'']) => (rest, true),
        _ => (text, false),
    };
    let quote = text.chars().next().filter(|c| matches!(c, '"' | '\'' | '`'))?;
    let body = text.get(1..)?;
    let Some(end) = body.find(quote) else { return Some(None) };
    let value = body.get(..end)?;
    let plain = !formatted && !value.is_empty() && !value.contains("${") && !value.contains('\\');
    Some(plain.then(|| value.to_owned()))
}

/// One resource of a template: its logical id, its type and its
/// properties, and whether they could be read (not in a flow mapping
/// holding tags).
struct TemplateResource {
    id: String,
    kind: String,
    properties: Vec<(String, Raw)>,
    read: bool,
}

/// A property's value as written, read only when compared.
enum Raw {
    /// Parsed already (JSON, or a YAML flow mapping without tags).
    Parsed(serde_json::Value),
    /// YAML: the text after the key, and the lines below it.
    Yaml(String, String),
}

impl Raw {
    /// The value as [`cloudformation_replacing_values`] writes it (`None`:
    /// read as left out).
    fn value(&self) -> Option<String> {
        match self {
            Raw::Parsed(value) => canonical(value),
            Raw::Yaml(rest, more) => yaml_value(rest, more),
        }
    }
}

/// The resources of a CloudFormation template or a Pulumi YAML program.
fn read_template(text: &[u8]) -> Vec<TemplateResource> {
    if text.len() > MAX_EMPTIED_TEXT || text.contains(&0) {
        return Vec::new();
    }
    let raw = String::from_utf8_lossy(text);
    let raw = raw.trim_start_matches('\u{feff}');
    if raw.trim_start().starts_with(['{', '[']) {
        return serde_json::from_str::<serde_json::Value>(raw).map(|v| json_resources(&v)).unwrap_or_default();
    }
    let lines: Vec<&str> = raw.lines().map(yaml_uncomment).collect();
    yaml_resources(&lines)
}

/// A JSON template's resources.
fn json_resources(value: &serde_json::Value) -> Vec<TemplateResource> {
    let documents: Vec<&serde_json::Value> = match value {
        serde_json::Value::Array(items) => items.iter().collect(),
        other => vec![other],
    };
    let mut out = Vec::new();
    for top in documents {
        let Some(serde_json::Value::Object(resources)) = top.get("Resources") else { continue };
        for (id, r) in resources {
            let Some(kind) = r.get("Type").and_then(serde_json::Value::as_str).filter(|t| t.contains("::")) else {
                continue;
            };
            let properties = r
                .get("Properties")
                .and_then(serde_json::Value::as_object)
                .map(|p| p.iter().map(|(k, v)| (k.clone(), Raw::Parsed(v.clone()))).collect())
                .unwrap_or_default();
            if out.len() < MAX_TYPES_READ {
                out.push(TemplateResource { id: id.clone(), kind: kind.to_owned(), properties, read: true });
            }
        }
    }
    out
}

/// A YAML line without its comment: `#` at the line's start or after a
/// blank, outside quotes.
fn yaml_uncomment(line: &str) -> &str {
    let (mut single, mut double, mut previous) = (false, false, ' ');
    for (at, c) in line.char_indices() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '#' if !single && !double && previous.is_whitespace() => return line.get(..at).unwrap_or(line),
            _ => {}
        }
        previous = c;
    }
    line
}

/// How many blanks a line starts with.
fn indent(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// A YAML mapping key at the start of `t` and the text after its colon.
fn mapping_key(t: &str) -> Option<(&str, &str)> {
    let (key, rest) = if let Some(quoted) = t.strip_prefix(['"', '\'']) {
        let quote = t.chars().next()?;
        let end = quoted.find(quote)?;
        (quoted.get(..end)?, quoted.get(end + 1..)?.strip_prefix(':')?)
    } else {
        let (key, rest) = t.split_once(':')?;
        (key.trim_end(), rest)
    };
    let ok = !key.is_empty() && !key.contains(char::is_whitespace) && (rest.is_empty() || rest.starts_with(' '));
    ok.then_some((key, rest.trim()))
}

/// A YAML template's resources: under a top-level `Resources:` (also one
/// nested in a Serverless Framework service's top-level `resources:`),
/// each with a `Type:` holding `::`, and under a top-level `resources:`
/// (Pulumi YAML), each with a `type:` of three parts (`aws:s3:Bucket`).
fn yaml_resources(lines: &[&str]) -> Vec<TemplateResource> {
    let mut out = Vec::new();
    // The last top-level key seen.
    let mut top = "";
    let mut at = 0;
    while at < lines.len() {
        let line = lines.get(at).copied().unwrap_or_default();
        at += 1;
        if line.trim().is_empty() {
            continue;
        }
        let mut level = indent(line);
        // (A Serverless service's `resources:` as a list, `- Resources:`
        // beside `- ${file(...)}` items: the key is where its text is.)
        let mut trimmed = line.trim_start();
        if top == "resources"
            && level > 0
            && let Some(item) = trimmed.strip_prefix("- ")
        {
            level += trimmed.len() - item.trim_start().len();
            trimmed = item.trim_start();
        }
        let Some((key, _)) = mapping_key(trimmed) else {
            if level == 0 {
                top = "";
            }
            continue;
        };
        if level == 0 {
            top = key;
        }
        let pulumi = level == 0 && key == "resources";
        let cloudformation = key == "Resources" && (level == 0 || top == "resources");
        if !pulumi && !cloudformation {
            continue;
        }
        if pulumi {
            // (Its lines read again: a Serverless Framework service's
            // `resources:` holds a `Resources:` section.)
            read_section(lines, at, level, "type", &mut out);
        } else {
            at = read_section(lines, at, level, "Type", &mut out);
        }
    }
    out
}

/// Reads the resources of a section whose key is at `level`, from line
/// `at`; returns the line after it.
fn read_section(lines: &[&str], mut at: usize, level: usize, type_key: &str, out: &mut Vec<TemplateResource>) -> usize {
    let mut child: Option<usize> = None;
    let mut current: Option<(String, Vec<&str>)> = None;
    let finish = |current: Option<(String, Vec<&str>)>, out: &mut Vec<TemplateResource>| {
        if let Some((id, body)) = current
            && let Some(resource) = read_resource(id, &body, type_key)
            && out.len() < MAX_TYPES_READ
        {
            out.push(resource);
        }
    };
    while let Some(&line) = lines.get(at) {
        if line.trim().is_empty() {
            at += 1;
            continue;
        }
        let here = indent(line);
        if here <= level {
            break;
        }
        let child_level = *child.get_or_insert(here);
        if here < child_level {
            break;
        }
        if here == child_level {
            finish(current.take(), out);
            if let Some((key, rest)) = mapping_key(line.trim_start()) {
                let mut body = Vec::new();
                if rest.starts_with('{') {
                    // `Orders: {Type: AWS::SQS::Queue}` on one line.
                    body.push(rest);
                }
                current = Some((key.to_owned(), body));
            }
        } else if let Some((_, body)) = current.as_mut() {
            body.push(line);
        }
        at += 1;
    }
    finish(current, out);
    at
}

/// One resource from its logical id and the lines below its key (or its
/// flow mapping).
fn read_resource(id: String, body: &[&str], type_key: &str) -> Option<TemplateResource> {
    let type_ok = |t: &str| {
        if type_key == "Type" {
            t.contains("::")
        } else {
            t.split(':').count() == 3 && t.split(':').all(|p| !p.is_empty())
        }
    };
    // A flow mapping: read as YAML (its properties compared when it holds
    // no tag, which the YAML reader would drop).
    if let [only] = body
        && only.trim_start().starts_with('{')
    {
        let value = yaml_document(only)?;
        let kind = value.get(type_key).and_then(serde_json::Value::as_str).filter(|t| type_ok(t))?;
        let kind = if type_key == "Type" { kind.to_owned() } else { pulumi_token(kind) };
        let read = !has_tag(only);
        let properties = match value.get("Properties").and_then(serde_json::Value::as_object) {
            Some(map) if read => map.iter().map(|(k, v)| (k.clone(), Raw::Parsed(v.clone()))).collect(),
            _ => Vec::new(),
        };
        return Some(TemplateResource { id, kind, properties, read });
    }
    let level = body.first().map(|l| indent(l))?;
    let mut kind = None;
    let mut properties = Vec::new();
    let mut read = true;
    let mut at = 0;
    while let Some(&line) = body.get(at) {
        at += 1;
        if indent(line) != level {
            continue;
        }
        let Some((key, rest)) = mapping_key(line.trim_start()) else { continue };
        if key == type_key {
            let t = rest.trim_matches(['"', '\'']);
            if type_ok(t) {
                kind = Some(if type_key == "Type" { t.to_owned() } else { pulumi_token(t) });
            }
        } else if (key == "Properties" || key == "properties") && !rest.is_empty() {
            // `Properties: {TableName: orders}`.
            let flow = (!has_tag(rest)).then(|| yaml_document(rest)).flatten();
            match flow.as_ref().and_then(serde_json::Value::as_object) {
                Some(map) => properties = map.iter().map(|(k, v)| (k.clone(), Raw::Parsed(v.clone()))).collect(),
                None => read = false,
            }
        } else if key == "Properties" || key == "properties" {
            let end = body.iter().skip(at).position(|l| indent(l) <= level).map_or(body.len(), |n| at + n);
            properties = yaml_properties(body.get(at..end).unwrap_or_default());
            at = end;
        }
    }
    Some(TemplateResource { id, kind: kind?, properties, read })
}

/// A resource's properties from the lines below its `Properties:`, each
/// property's value read as [`cloudformation_replacing_values`] says.
fn yaml_properties(lines: &[&str]) -> Vec<(String, Raw)> {
    let Some(level) = lines.iter().find(|l| !l.trim().is_empty()).map(|l| indent(l)) else { return Vec::new() };
    let mut out: Vec<(String, String, Vec<&str>)> = Vec::new();
    for &line in lines {
        let here = indent(line);
        let item = line.trim_start().starts_with("- ") || line.trim() == "-";
        if here == level && !item {
            if let Some((key, rest)) = mapping_key(line.trim_start()) {
                out.push((key.to_owned(), rest.to_owned(), Vec::new()));
            }
        } else if here >= level
            && let Some((_, _, more)) = out.last_mut()
        {
            more.push(line);
        }
    }
    out.into_iter().map(|(key, rest, more)| (key, Raw::Yaml(rest, more.join("\n")))).collect()
}

/// One property's value, from the text after its key and the lines below.
fn yaml_value(rest: &str, more: &str) -> Option<String> {
    let whole = if more.is_empty() { rest.to_owned() } else { format!("{rest}\n{more}") };
    if has_tag(&whole) {
        // `!Sub 'text'` alone: a template.
        let sub = rest.strip_prefix("!Sub ").filter(|s| more.is_empty() && !has_tag(s));
        return Some(match sub.and_then(scalar) {
            Some(text) => template(&text),
            None => "e:".to_owned(),
        });
    }
    canonical(yaml_document(&format!("v: {whole}\n"))?.get("v")?)
}

/// A YAML scalar's text (quotes taken off).
fn scalar(text: &str) -> Option<String> {
    yaml_document(&format!("v: {text}\n"))?.get("v")?.as_str().map(str::to_owned)
}

/// The last document of a YAML text, as Go's readers take it (`None`: it
/// does not parse, or is over the YAML budgets).
fn yaml_document(text: &str) -> Option<serde_json::Value> {
    crate::doc::from_yaml_multi_as_go::<serde_json::Value>("template", text).ok()?.pop()
}

/// A template's value as compared (`t:` and its text with each `${...}`
/// as `${}`: the names it reads are not compared, red team 35: `${Env}`
/// renamed `${Stage}` read as a new name), or an expression (`e:`) when
/// nothing but its placeholders is written.
fn template(text: &str) -> String {
    let mut skeleton = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("${") {
        skeleton.push_str(rest.get(..open).unwrap_or_default());
        let after = rest.get(open + 2..).unwrap_or_default();
        // (Nested `${a, ${b}}` closes at its own brace.)
        let mut depth = 1usize;
        let mut end = after.len();
        for (at, c) in after.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = at + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        skeleton.push_str("${}");
        rest = after.get(end..).unwrap_or_default();
    }
    skeleton.push_str(rest);
    if skeleton.replace("${}", "").trim().is_empty() { "e:".to_owned() } else { format!("t:{skeleton}") }
}

/// Whether a YAML text holds a tag (`!Ref`, `!GetAtt`) outside quotes.
fn has_tag(text: &str) -> bool {
    let (mut single, mut double, mut previous) = (false, false, ' ');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' if !double => single = !single,
            '"' if !single => double = !double,
            '!' if !single
                && !double
                && (previous.is_whitespace() || matches!(previous, '[' | '{' | ',' | ':'))
                && chars.peek().is_some_and(|n| n.is_ascii_alphabetic()) =>
            {
                return true;
            }
            _ => {}
        }
        previous = c;
    }
    false
}

/// A value as [`cloudformation_replacing_values`] writes it (`None`: a
/// constant `false`, as if left out).
fn canonical(value: &serde_json::Value) -> Option<String> {
    fn expression(v: &serde_json::Value) -> bool {
        match v {
            serde_json::Value::Object(m) => m.iter().any(|(k, x)| k == "Ref" || k.starts_with("Fn::") || expression(x)),
            serde_json::Value::Array(items) => items.iter().any(expression),
            _ => false,
        }
    }
    fn texts(v: &serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Bool(b) => serde_json::Value::String(b.to_string()),
            serde_json::Value::Number(n) => serde_json::Value::String(n.to_string()),
            serde_json::Value::Array(items) => serde_json::Value::Array(items.iter().map(texts).collect()),
            serde_json::Value::Object(m) => {
                serde_json::Value::Object(m.iter().map(|(k, x)| (k.clone(), texts(x))).collect())
            }
            other => other.clone(),
        }
    }
    if let Some(template_text) = value.get("Fn::Sub").and_then(serde_json::Value::as_str)
        && value.as_object().is_some_and(|m| m.len() == 1)
    {
        return Some(template(template_text));
    }
    if expression(value) {
        return Some("e:".to_owned());
    }
    let value = texts(value);
    match &value {
        serde_json::Value::String(s) if s.eq_ignore_ascii_case("false") => None,
        serde_json::Value::Null => None,
        serde_json::Value::String(s) if s.contains("${") => Some(template(s)),
        other => Some(format!("c:{}", serde_json::to_string(other).unwrap_or_default())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_are_read_with_tags_nested_sections_and_flow_mappings() {
        let yaml = b"AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {Type: String}\nResources:\n  Orders:\n    Type: \"AWS::DynamoDB::Table\"\n    DeletionPolicy: Retain\n    Properties:\n      TableName: !Sub '${Env}-orders'\n      KeySchema:\n      - AttributeName: id\n        KeyType: HASH\n      StreamSpecification: !If [HasStream, {StreamViewType: NEW_IMAGE}, !Ref AWS::NoValue]\n  Jobs: {Type: AWS::SQS::Queue, Properties: {FifoQueue: true}}\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Code:\n        ZipFile: |\n          Resources:\n            Fake:\n              Type: AWS::RDS::DBInstance\nOutputs:\n  Name:\n    Value: !Ref Orders\n";
        let found = template_resources(yaml);
        let ids: Vec<&str> = found.iter().map(|(_, id)| id.as_str()).collect();
        assert_eq!(ids, ["Orders", "Jobs", "Fn"]);
        let values = cloudformation_replacing_values(yaml);
        let orders = values.get("AWS::DynamoDB::Table.Orders").unwrap();
        assert_eq!(orders.get("TableName").map(String::as_str), Some("t:${}-orders"));
        assert_eq!(orders.get("KeySchema").map(String::as_str), Some(r#"c:[{"AttributeName":"id","KeyType":"HASH"}]"#));
        // Flow mappings: read when they hold no tag.
        let jobs = values.get("AWS::SQS::Queue.Jobs").unwrap();
        assert_eq!(jobs.get("FifoQueue").map(String::as_str), Some("c:\"true\""));
        let tagged = b"Resources:\n  Jobs: {Type: AWS::SQS::Queue, Properties: {QueueName: !Ref N}}\n";
        assert_eq!(template_resources(tagged).len(), 1);
        assert!(cloudformation_replacing_values(tagged).is_empty());
    }

    #[test]
    fn serverless_and_pulumi_sections_are_read() {
        let serverless = b"service: orders\nprovider:\n  name: aws\nresources:\n  Resources:\n    OrdersTable:\n      Type: AWS::DynamoDB::Table\n      Properties:\n        TableName: ${self:service}-orders\n";
        assert_eq!(template_resources(serverless), [("AWS::DynamoDB::Table".to_owned(), "OrdersTable".to_owned())]);
        let values = cloudformation_replacing_values(serverless);
        assert_eq!(
            values.get("AWS::DynamoDB::Table.OrdersTable").and_then(|v| v.get("TableName")).map(String::as_str),
            Some("t:${}-orders")
        );
        let pulumi = b"name: orders\nruntime: yaml\nresources:\n  orders-db:\n    type: aws:rds:Instance\n    properties:\n      engine: postgres\n";
        assert_eq!(template_resources(pulumi), [("aws:rds:Instance".to_owned(), "orders-db".to_owned())]);
        // A Pulumi type token in full is the short one; Serverless's
        // `resources:` as a list of includes and sections.
        let full = b"name: orders\nruntime: yaml\nresources:\n  orders-db:\n    type: aws:rds/instance:Instance\n";
        assert_eq!(template_resources(full), [("aws:rds:Instance".to_owned(), "orders-db".to_owned())]);
        let list = b"service: orders\nresources:\n  - ${file(tables.yml)}\n  - Resources:\n      Jobs:\n        Type: AWS::SQS::Queue\n";
        assert_eq!(template_resources(list), [("AWS::SQS::Queue".to_owned(), "Jobs".to_owned())]);
        assert_eq!(file_includes(list), ["tables.yml"]);
    }

    #[test]
    fn values_compare_as_the_tool_reads_them() {
        let read = |props: &str| {
            let text = format!("Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n    Properties:\n{props}");
            cloudformation_replacing_values(text.as_bytes()).remove("AWS::RDS::DBInstance.Db").unwrap_or_default()
        };
        let a = read("      DBInstanceIdentifier: orders\n      StorageEncrypted: false\n");
        let b = read("      DBInstanceIdentifier: \"orders\"  # quoted\n");
        assert_eq!(a, b);
        let c = read("      DBInstanceIdentifier: !Ref Name\n");
        assert_eq!(c.get("DBInstanceIdentifier").map(String::as_str), Some("e:"));
        let d = read("      StorageEncrypted: 'true'\n");
        let e = read("      StorageEncrypted: true\n");
        assert_eq!(d, e);
        assert!(cloudformation_replaces(None, e.get("StorageEncrypted").map(String::as_str)));
    }

    #[test]
    fn construct_ids_are_literals_only() {
        assert_eq!(construct_id("this, 'Orders', {"), Some("Orders".to_owned()));
        assert_eq!(construct_id("stack, jsii.String(\"Orders\"), &x"), Some("Orders".to_owned()));
        assert_eq!(construct_id("\"orders\", {"), Some("orders".to_owned()));
        assert_eq!(construct_id("this, `orders-${env}`, {"), None);
        assert_eq!(construct_id("self, f\"orders-{env}\""), None);
        assert_eq!(construct_id("this, name, {"), None);
        let py = b"import aws_cdk.aws_dynamodb as dynamodb\n\nclass S(Stack):\n    def __init__(self, scope, id):\n        table = dynamodb.Table(self, \"Orders\",\n            partition_key=k)\n";
        assert_eq!(program_identities(py), [("dynamodb.Table".to_owned(), Some("Orders".to_owned()))]);
        let go = b"db, err := rds.NewInstance(ctx, \"orders\", &rds.InstanceArgs{\n";
        assert_eq!(program_identities(go), [("rds.Instance".to_owned(), Some("orders".to_owned()))]);
        // Ids in Python's keywords, past comments, or none to compare.
        let kw = b"t = dynamodb.Table(\n    self,\n    # the orders, keyed by id\n    # (see the design note)\n    # more\n    id=\"Orders\",\n)\n";
        assert_eq!(program_identities(kw), [("dynamodb.Table".to_owned(), Some("Orders".to_owned()))]);
        assert_eq!(construct_id("this, \"Jobs\" + suffix, {"), None);
        assert_eq!(construct_id("this, 'https://x', {"), Some("https://x".to_owned()));
    }

    #[test]
    fn imports_resolve_a_class_however_its_module_is_imported() {
        let read = |text: &str| {
            let lines: Vec<&str> = text.lines().collect();
            let imports = import_bindings(&lines);
            lines.iter().filter_map(|l| program_construct(l.trim_start(), &imports)).collect::<Vec<_>>()
        };
        // Pulumi, TypeScript and Python.
        let star = read("import * as aws from \"@pulumi/aws\";\nconst db = new aws.rds.Instance(\"orders\", {});\n");
        let named = read("import { rds } from \"@pulumi/aws\";\nconst db = new rds.Instance(\"orders\", {});\n");
        let py = read("from pulumi_aws import rds\ndb = rds.Instance(\"orders\")\n");
        let py_as = read("import pulumi_aws as aws\ndb = aws.rds.Instance(\"orders\")\n");
        assert_eq!(
            [star, named, py, py_as],
            [["aws.rds.Instance"], ["aws.rds.Instance"], ["aws.rds.Instance"], ["aws.rds.Instance"]]
        );
        // The CDK: a module, a class, over several lines, aliased.
        let cdk = [
            "import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\nnew dynamodb.Table(this, 'Orders', {});\n",
            "import {\n  Table,\n  AttributeType,\n} from 'aws-cdk-lib/aws-dynamodb';\nconst t = new Table(this, 'Orders', {});\n",
            "import { aws_dynamodb as ddb } from 'aws-cdk-lib';\nnew ddb.Table(this, 'Orders');\n",
            "from aws_cdk import aws_dynamodb as dynamodb\nt = dynamodb.Table(self, \"Orders\")\n",
            "from aws_cdk.aws_dynamodb import (\n    Table,\n)\nt = Table(self, \"Orders\")\n",
            "import aws_cdk.aws_dynamodb as ddb\nt = ddb.Table(self, \"Orders\")\n",
            "import software.amazon.awscdk.services.dynamodb.Table;\nTable t = new Table(this, \"Orders\", props);\n",
        ];
        for text in cdk {
            assert_eq!(read(text), ["dynamodb.Table"], "{text}");
        }
        // Without imports, as written; a bare class nothing binds, and
        // Terraform's `import` blocks, are nothing.
        assert_eq!(read("new rds.DatabaseInstance(this, 'Db');\n"), ["rds.DatabaseInstance"]);
        assert!(read("new Table(this, 'Orders');\n").is_empty());
        assert!(read("import {\n  to = aws_db_instance.orders\n  id = \"orders\"\n}\n").is_empty());
    }

    #[test]
    fn program_arguments_are_read_in_each_language() {
        let read = |text: &str, key: &str| program_replacing_values(text.as_bytes()).remove(key).unwrap_or_default();
        let cdk = read(
            "import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\nnew dynamodb.Table(this, 'Orders', {\n  tableName: 'orders',\n  partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },\n  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,\n});\n",
            "dynamodb.Table\u{0}Orders",
        );
        assert_eq!(cdk.get("tablename").map(String::as_str), Some("c:orders"));
        assert_eq!(
            cdk.get("partitionkey").map(String::as_str),
            Some("c:{name:\"id\",type:dynamodb.AttributeType.STRING}")
        );
        assert_eq!(cdk.len(), 2);
        let py = read(
            "import pulumi_aws as aws\ndb = aws.rds.Instance(\"orders\",\n    db_name=\"orders\",\n    identifier=name,\n    storage_encrypted=False)\n",
            "aws.rds.Instance\u{0}orders",
        );
        assert_eq!(py.get("dbname").map(String::as_str), Some("c:orders"));
        assert_eq!(py.get("identifier").map(String::as_str), Some("e:"));
        assert!(!py.contains_key("storageencrypted"));
        let go = read(
            "db, err := rds.NewInstance(ctx, \"orders\", &rds.InstanceArgs{\n\tDbName: pulumi.String(\"orders\"),\n\tEngine: pulumi.String(\"postgres\"),\n})\n",
            "rds.Instance\u{0}orders",
        );
        // (Go's module is not resolved: `rds.Instance` is no class of the table.)
        assert!(go.is_empty());
        let yaml = read(
            "name: x\nruntime: yaml\nresources:\n  orders:\n    type: aws:rds:Instance\n    properties:\n      dbName: orders\n",
            "aws:rds:Instance\u{0}orders",
        );
        assert_eq!(yaml.get("dbname").map(String::as_str), Some("c:orders"));
        // A CDK L1 construct: CloudFormation's properties in camel case.
        let l1 = read(
            "import * as elasticache from 'aws-cdk-lib/aws-elasticache';\nnew elasticache.CfnCacheCluster(this, 'Sessions', {\n  clusterName: 'sessions',\n  engine: 'redis',\n  cacheNodeType: 'cache.t4g.small',\n});\n",
            "elasticache.CfnCacheCluster\u{0}Sessions",
        );
        assert_eq!(l1.get("clustername").map(String::as_str), Some("c:sessions"));
        assert_eq!(l1.get("engine").map(String::as_str), Some("c:redis"));
        assert_eq!(l1.len(), 2);
        let table = read(
            "import { CfnTable } from 'aws-cdk-lib/aws-dynamodb';\nnew CfnTable(this, 'Orders', { keySchema: [{ attributeName: 'id', keyType: 'HASH' }] });\n",
            "dynamodb.CfnTable\u{0}Orders",
        );
        assert!(table.contains_key("keyschema"), "{table:?}");
        let redis = read(
            "import pulumi_aws as aws\ncache = aws.elasticache.Cluster(\"sessions\", cluster_id=\"sessions\", engine=\"redis\")\n",
            "aws.elasticache.Cluster\u{0}sessions",
        );
        assert_eq!(redis.get("clusterid").map(String::as_str), Some("c:sessions"));
        // Database credentials by their user.
        let credentials = |call: &str| {
            let text = format!(
                "import * as rds from 'aws-cdk-lib/aws-rds';\nnew rds.DatabaseInstance(this, 'Db', {{\n  engine,\n  credentials: {call},\n}});\n"
            );
            read(&text, "rds.DatabaseInstance\u{0}Db").get("credentials").cloned()
        };
        assert_eq!(credentials("rds.Credentials.fromGeneratedSecret('admin')").as_deref(), Some("c:user admin"));
        assert_eq!(
            credentials("rds.Credentials.fromGeneratedSecret(\"admin\", { secretName: 'db' })").as_deref(),
            Some("c:user admin")
        );
        assert_eq!(credentials("rds.Credentials.fromSecret(secret)").as_deref(), Some("e:"));
        assert_eq!(credentials("rds.Credentials.fromGeneratedSecret(user)").as_deref(), Some("e:"));
        // Local secondary indexes added by the table's method.
        let table = "import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\nconst orders = new dynamodb.Table(this, 'Orders', {\n  partitionKey: { name: 'id', type: dynamodb.AttributeType.STRING },\n});\n";
        let lsi = "orders.addLocalSecondaryIndex({\n  indexName: 'byDate',\n  sortKey: { name: 'date', type: dynamodb.AttributeType.STRING },\n});\n";
        let indexes = |text: &str| read(text, "dynamodb.Table\u{0}Orders").get("localsecondaryindexes+").cloned();
        assert_eq!(indexes(table), None);
        let one = indexes(&format!("{table}{lsi}"));
        assert!(one.as_deref().is_some_and(|v| v.starts_with("c:") && v.contains("byDate")), "{one:?}");
        assert_eq!(indexes(&format!("{table}{}", lsi.replace("\n  ", " "))), one);
    }

    #[test]
    fn programs_are_counted_as_programs() {
        let count = |text: &str| program_counts(text.as_bytes()).get("dynamodb.Table").copied().unwrap_or(0);
        let cdk = "import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';\n";
        assert_eq!(count(&format!("{cdk}this.#orders = new dynamodb.Table(this, 'Orders');\n")), 1);
        assert_eq!(
            count(&format!("{cdk}const t = new dynamodb.Table(this, 'Orders', {{ url: 'https://x' }}); // a\n")),
            1
        );
        let py = "from aws_cdk import aws_dynamodb as dynamodb\n";
        for statement in [
            "self.orders = dynamodb.Table(self, \"Orders\")",
            "orders: dynamodb.Table = dynamodb.Table(self, \"Orders\")",
            "return dynamodb.Table(self, \"Orders\")",
        ] {
            assert_eq!(count(&format!("{py}{statement}\n")), 1, "{statement}");
        }
        // A keyword argument's call is no construct.
        let kw = format!(
            "{py}t = dynamodb.Table(\n    self,\n    \"Orders\",\n    partition_key=dynamodb.Table(name=\"id\"),\n)\n"
        );
        assert_eq!(count(&kw), 1);
        let js = "const { Table } = require(\"aws-cdk-lib/aws-dynamodb\");\nnew Table(this, \"Orders\");\n";
        assert_eq!(count(js), 1);
        // Made in a loop: as many as it runs.
        for looped in [
            format!("{cdk}for (const name of names) {{\n  new dynamodb.Table(this, name);\n}}\n"),
            format!("{cdk}names.forEach((name) => {{\n  new dynamodb.Table(this, name);\n}});\n"),
            format!("{cdk}names.forEach((name) => new dynamodb.Table(this, name));\n"),
            format!("{py}for name in names:\n    dynamodb.Table(self, name)\n"),
        ] {
            assert_eq!(count(&looped), IN_A_LOOP, "{looped}");
        }
        // Not after the loop's block.
        let after = format!("{cdk}for (const n of names) {{\n  log(n);\n}}\nnew dynamodb.Table(this, 'Orders');\n");
        assert_eq!(count(&after), 1);
    }

    #[test]
    fn unclosed_calls_are_read_within_a_budget() {
        // 20,000 calls that never close: each reads ahead only so far, and
        // all of them together within a budget (each line once a call).
        let text = "x = new s3.Bucket(this, 'B', {\n".repeat(20_000);
        let found = program_identities(text.as_bytes());
        assert_eq!(found.len(), MAX_TYPES_READ);
        assert!(found.iter().all(|(_, id)| id.as_deref() == Some("B")));
        // (Arguments are read 16 KiB ahead a call: the budget ends it.)
        assert!(program_replacing_values(text.as_bytes()).len() <= 1);
        let deep = format!(
            "new s3.Bucket(this, 'B', {{ bucketName: 'b', x: {}1{} }})\n",
            "{a:".repeat(5_000),
            "}".repeat(5_000)
        );
        assert_eq!(program_replacing_values(deep.as_bytes()).len(), 1);
    }

    #[test]
    fn aliases_name_the_old_resource() {
        let py = b"db = aws.rds.Instance(\"orders-db\", opts=pulumi.ResourceOptions(aliases=[pulumi.Alias(name=\"orders\")]))\n";
        assert!(aliased_names(py).contains("orders"));
        let yaml = b"resources:\n  orders-db:\n    type: aws:rds:Instance\n    options:\n      aliases:\n        - name: orders\n";
        assert!(aliased_names(yaml).contains("orders"));
        assert!(aliased_names(b"new aws.rds.Instance(\"orders-db\", {});\n").is_empty());
        let cdk = b"(orders.node.defaultChild as dynamodb.CfnTable).overrideLogicalId(\"OrdersE1F2A3B4\");\n";
        assert!(aliased_names(cdk).contains("Orders"));
    }
}
