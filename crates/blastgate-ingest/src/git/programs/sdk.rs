//! Calls to cloud SDKs and client libraries that destroy what a command
//! line tool would: `boto3.client("rds").delete_db_instance(...)`, AWS SDK
//! v3's `new DeleteDBInstanceCommand(...)`, Azure's
//! `resource_groups.begin_delete("rg-prod")`, the Kubernetes clients'
//! `delete_namespace("orders")`, Pulumi's Automation API `stack.destroy()`,
//! Redis's `flushall()`, MongoDB's `drop_database("orders")`.
//! Each is read as the command line of the tool that does the same (`aws
//! rds delete-db-instance`, `az resource groups delete`, `kubectl delete
//! namespace`, `pulumi destroy`, `redis-cli FLUSHALL`), so that one set of rules, in
//! [`super::super::destructive_commands`], judges both: what is routine
//! there (objects, snapshots, log groups, keys) is routine here.
//!
//! A call is read only in a file that uses the library (it names the
//! library's package: `boto3`, `@aws-sdk/`, `azure.mgmt`, `k8s.io/client-go`,
//! ...), so a script's own `cache.delete_table()` is not taken for
//! DynamoDB's. What the call destroys is read from its name: the
//! operation's words (`delete_db_instance`, `DeleteDBInstanceCommand`,
//! `deleteDBInstance` and `DeleteDBInstance` are all `delete-db-instance`)
//! or, for a plain `delete`, the collection it is called on
//! (`sqladmin.instances().delete(...)`, `client.virtual_machines.begin_delete(...)`).
//! A call told to only check (`DryRun=True`) destroys nothing.

use std::collections::{BTreeMap, BTreeSet};

use super::Token;

/// Most services and client names remembered a file.
const MAX_NAMES: usize = 64;

/// Longest name read for its words.
const MAX_NAME_BYTES: usize = 128;

/// Most tokens looked back over for the call a method is called on.
const MAX_LOOK_BACK: usize = 256;

/// The libraries whose calls are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Library {
    Aws,
    Google,
    Azure,
    Kubernetes,
    Pulumi,
    Terraform,
    /// Redis's (and Valkey's) clients: redis-py, ioredis and node-redis,
    /// go-redis, Jedis and Lettuce.
    Redis,
    /// MongoDB's drivers: PyMongo and Motor, Node's `mongodb` and
    /// Mongoose, Go's and Java's.
    Mongo,
}

/// Text that names a library in a file that uses it (its import, its
/// package or its module path).
const MARKERS: [(&str, Library); 37] = [
    ("boto3", Library::Aws),
    ("botocore", Library::Aws),
    ("@aws-sdk/", Library::Aws),
    ("aws-sdk", Library::Aws),
    ("software.amazon.awssdk", Library::Aws),
    ("com.amazonaws", Library::Aws),
    ("googleapiclient", Library::Google),
    ("google.cloud", Library::Google),
    ("@google-cloud/", Library::Google),
    ("cloud.google.com/go", Library::Google),
    ("com.google.cloud", Library::Google),
    ("google.golang.org/api", Library::Google),
    ("azure.mgmt", Library::Azure),
    ("@azure/arm-", Library::Azure),
    ("azure-sdk-for-go", Library::Azure),
    ("com.azure.resourcemanager", Library::Azure),
    ("from kubernetes", Library::Kubernetes),
    ("import kubernetes", Library::Kubernetes),
    ("k8s.io/client-go", Library::Kubernetes),
    ("@kubernetes/client-node", Library::Kubernetes),
    ("io.kubernetes.client", Library::Kubernetes),
    ("automation", Library::Pulumi),
    ("python_terraform", Library::Terraform),
    ("terraform-exec", Library::Terraform),
    ("import redis", Library::Redis),
    ("from redis", Library::Redis),
    ("ioredis", Library::Redis),
    ("'redis'", Library::Redis),
    ("\"redis\"", Library::Redis),
    ("go-redis", Library::Redis),
    ("redis.clients.jedis", Library::Redis),
    ("io.lettuce", Library::Redis),
    ("pymongo", Library::Mongo),
    ("motor.motor_asyncio", Library::Mongo),
    ("mongodb", Library::Mongo),
    ("mongoose", Library::Mongo),
    ("mongo-driver", Library::Mongo),
];

/// What a file has said so far of the libraries it uses.
#[derive(Debug, Default)]
pub(super) struct Sdk {
    libraries: BTreeSet<Library>,
    /// The AWS services the file names (`@aws-sdk/client-rds`,
    /// `boto3.client("rds")`).
    services: BTreeSet<String>,
    /// Names given an AWS client, and its service (`rds =
    /// boto3.client("rds")`).
    clients: BTreeMap<String, String>,
    /// Names given settings that turn a guard off (`params =
    /// {"DeletionProtection": False}`, a request built with
    /// `.deletionProtection(false)`), for the calls that take them.
    guards_off: BTreeMap<String, GuardOff>,
    /// Names given `false` (`protect = False`), read as it where a call
    /// takes them (`DeletionProtection=protect`).
    false_names: BTreeSet<String>,
    /// Names given a resource object (`b =
    /// boto3.resource("s3").Bucket("orders")`), and the class it is made
    /// by (`Bucket`), read as what a call on the name acts on (a red team:
    /// `b.delete()` passed where `bucket.delete()` counted).
    resources: BTreeMap<String, String>,
}

impl Sdk {
    /// Notes the libraries and services a line of the file names.
    pub(super) fn note_line(&mut self, line: &str) {
        for (marker, library) in MARKERS {
            // (Pulumi's Automation API is `pulumi.automation`, `from
            // pulumi import automation`, `@pulumi/pulumi/automation` or
            // Go's `.../go/auto`.)
            let found = match library {
                Library::Pulumi => line.contains("pulumi") && (line.contains(marker) || line.contains("/go/auto")),
                _ => line.contains(marker),
            };
            if found {
                self.libraries.insert(library);
            }
        }
        if !self.libraries.contains(&Library::Aws) {
            return;
        }
        for prefix in ["@aws-sdk/client-", "/service/", "awssdk.services."] {
            let mut rest = line;
            while let Some(at) = rest.find(prefix) {
                rest = rest.get(at + prefix.len()..).unwrap_or_default();
                let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-').collect();
                self.service_named(&name);
            }
        }
    }

    fn service_named(&mut self, name: &str) {
        let name = name.to_ascii_lowercase();
        if !name.is_empty() && name.len() <= 32 && self.services.len() < MAX_NAMES {
            self.services.insert(name);
        }
    }

    /// Notes a name given a client (`rds = boto3.client("rds")`, `const
    /// rds = new RDSClient({})`, Go's `rds.NewFromConfig(cfg)`).
    pub(super) fn note_assignment(&mut self, name: &str, value: &[Token]) {
        if self.libraries.is_empty() || name.len() > MAX_NAME_BYTES {
            return;
        }
        if matches!(value, [Token::Word(w)] if w.eq_ignore_ascii_case("false")) {
            if self.false_names.len() < MAX_NAMES {
                self.false_names.insert(name.to_owned());
            }
        } else {
            self.false_names.remove(name);
        }
        // (A guard's setting on an object, `db.enable_drop_protection =
        // False`: the object, for the call that saves it.)
        let (name, value): (&str, Vec<Token>) = match name.rsplit_once('.') {
            Some((object, setting)) if is_guard_setting(setting) => {
                let mut keyed = vec![Token::Word(setting.to_owned()), Token::Assign];
                keyed.extend(value.iter().cloned());
                (object, keyed)
            }
            _ => (name, value.to_vec()),
        };
        match guard_turned_off(&value) {
            Some(off) if self.guards_off.len() < MAX_NAMES || self.guards_off.contains_key(name) => {
                self.guards_off.insert(name.to_owned(), off);
            }
            _ => {
                self.guards_off.remove(name);
            }
        }
        let value = value.as_slice();
        if !self.libraries.contains(&Library::Aws) {
            return;
        }
        // (The last class called in the value: `...Bucket("orders")`,
        // `dynamodb.Table(name)`.)
        let class = value.windows(2).rev().find_map(|w| match w {
            [Token::Word(w), Token::Open('(')] if last(w).starts_with(|c: char| c.is_ascii_uppercase()) => {
                Some(last(w))
            }
            _ => None,
        });
        match class {
            Some(class) if self.resources.len() < MAX_NAMES || self.resources.contains_key(name) => {
                self.resources.insert(name.to_owned(), class.to_owned());
            }
            _ => {
                self.resources.remove(name);
            }
        }
        let value = match value {
            [Token::Word(w), rest @ ..] if w == "new" || w == "await" => rest,
            v => v,
        };
        let service = match value {
            [Token::Word(w), Token::Open('('), Token::Str { text, .. }, ..]
                if matches!(last(w), "client" | "resource" | "create_client") =>
            {
                Some(text.clone())
            }
            [Token::Word(w), Token::Open('('), ..] => aws_service_of_constructor(w),
            _ => None,
        };
        if let Some(service) = service.map(|s| s.to_ascii_lowercase()).filter(|s| !s.is_empty() && s.len() <= 32) {
            self.service_named(&service);
            if self.clients.len() < MAX_NAMES || self.clients.contains_key(name) {
                self.clients.insert(name.to_owned(), service);
            }
        }
    }

    /// Whether `word`, called, may be a destructive operation of a library
    /// the file uses, or one that may turn a guard against deletion off
    /// (a cheap test: the call is read whole when it is).
    pub(super) fn worth_reading(&self, word: &str) -> bool {
        if self.libraries.is_empty() || word.len() > MAX_NAME_BYTES {
            return false;
        }
        let method = last(word).to_ascii_lowercase();
        let data = (self.libraries.contains(&Library::Redis) && method.starts_with("flush"))
            || (self.libraries.contains(&Library::Mongo) && method.starts_with("drop"));
        data || method.contains("delete")
            || method.contains("terminate")
            || method.contains("destroy")
            || (UPDATES.iter().any(|u| method.starts_with(u))
                && (self.libraries.contains(&Library::Aws) || self.libraries.contains(&Library::Google)))
            || ((method.starts_with("patch") || method.starts_with("replace"))
                && self.libraries.contains(&Library::Kubernetes))
    }

    /// The data service's shell command a client library's call does, if
    /// it destroys the data (a red team's leftover: a Redis flushed from
    /// Python read nothing): Redis's `flushall()` and `flushdb()`
    /// (`FlushAll`, `flushAll`) as `redis-cli FLUSHALL`; MongoDB's
    /// `drop_database(...)` or `dropDatabase()` as the shell's
    /// `db.dropDatabase()`, and a collection's `drop()`,
    /// `drop_collection(...)` or `delete_many({})` (`deleteMany({})`, no
    /// filter: every document) as the shell's `db.collection.drop()`.
    fn data_service_command(&self, words: &[String], arguments: &[Token]) -> Option<String> {
        let has = |library| self.libraries.contains(&library);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let every_document = matches!(arguments, [] | [Token::Open('{'), Token::Close('}')]);
        match words.as_slice() {
            ["flush", "all", ..] | ["flushall", ..] if has(Library::Redis) => Some("redis-cli FLUSHALL".to_owned()),
            ["flush", "db", ..] | ["flushdb", ..] if has(Library::Redis) => Some("redis-cli FLUSHDB".to_owned()),
            ["drop", "database", ..] | ["dropdatabase"] if has(Library::Mongo) => {
                Some("mongosh --eval db.dropDatabase()".to_owned())
            }
            // (A bare `drop()`: with arguments it is another library's,
            // a data frame's `drop(columns=...)`.)
            ["drop", "collection", ..] => has(Library::Mongo).then(|| "mongosh --eval db.collection.drop()".to_owned()),
            ["drop"] if has(Library::Mongo) && arguments.is_empty() => {
                Some("mongosh --eval db.collection.drop()".to_owned())
            }
            ["delete", "many", ..] | ["deletemany"] if has(Library::Mongo) && every_document => {
                Some("mongosh --eval db.collection.drop()".to_owned())
            }
            _ => None,
        }
    }

    /// The command line of the call whose name is `tokens[at]` (its
    /// brackets closed at `tokens[end]`), if it destroys what a command
    /// line tool would.
    ///
    /// The call's literal names (`DBInstanceIdentifier="orders-pr-12"`,
    /// a positional text) follow the command's words, so that a call
    /// for a short-lived environment counts nothing, as the command does.
    pub(super) fn command(&self, tokens: &[Token], at: usize, end: usize) -> Option<String> {
        let line = self.command_words(tokens, at, end)?;
        let mut names = literal_names(tokens.get(at + 2..end).unwrap_or_default());
        // (A data service's client made on the same statement,
        // `redis.Redis(host="localhost").flushall()`: its texts say where
        // the data is, as a command's host does.)
        if line.starts_with("redis-cli") || line.starts_with("mongosh") {
            let floor = at.saturating_sub(32);
            let chain = tokens.get(floor..at).unwrap_or_default();
            let from = chain.iter().rposition(|t| matches!(t, Token::Assign)).map_or(0, |p| p + 1);
            names.extend(chain.get(from..).unwrap_or_default().iter().filter_map(|t| match t {
                Token::Str { text, .. } if text.len() <= 256 => Some(text.clone()),
                _ => None,
            }));
        }
        Some(if names.is_empty() { line } else { format!("{line} {}", names.join(" ")) })
    }

    /// [`Self::command`]'s words, without the call's names.
    fn command_words(&self, tokens: &[Token], at: usize, end: usize) -> Option<String> {
        let Some(Token::Word(word)) = tokens.get(at) else { return None };
        if !self.worth_reading(word) {
            return None;
        }
        let method = last(word);
        let receiver = word.rsplit_once('.').map(|(r, _)| r);
        let arguments = tokens.get(at + 2..end).unwrap_or_default();
        if dry_run(arguments) {
            return None;
        }
        // The call this one is made on (`boto3.client("rds").delete_...`,
        // `sqladmin.instances().delete(...)`): its name and first text.
        let previous = if receiver.is_none() && at >= 2 { previous_call(tokens, at) } else { None };
        let words = words_of(method);
        let has = |library| self.libraries.contains(&library);
        let collection = || -> Vec<String> {
            let named = receiver.map(last).or(previous.map(|(w, _)| last(w))).unwrap_or_default();
            // (A name given a resource object acts on that class.)
            let named = receiver.and_then(|r| self.resources.get(r)).map_or(named, String::as_str);
            let mut nouns = words_of(named);
            nouns.retain(|w| !matches!(w.as_str(), "client" | "operations" | "api" | "service" | "v1" | "v2"));
            nouns
        };
        // A call that turns a guard against deletion off
        // (`rds.modify_db_instance(..., DeletionProtection=False)`), as
        // the command line that does (`aws rds modify-db-instance
        // --no-deletion-protection`).
        // (Not a row written, `table.put_item(Item={...})` or
        // `update_item`, nor a program's own settings, argparse's
        // `set_defaults(...)`: AWS changes a resource's settings by
        // `modify` and `update` operations, Google by `update`, `patch`
        // and `setDeletionProtection`.)
        let verb = words.first().map_or("", String::as_str);
        let row = words.iter().any(|w| matches!(w.as_str(), "item" | "items" | "defaults" | "default"));
        let aws_update = has(Library::Aws) && matches!(verb, "modify" | "update");
        let google_update = has(Library::Google)
            && (matches!(verb, "update" | "patch") || (verb == "set" && words.iter().any(|w| w == "protection")));
        if (aws_update || google_update) && !row {
            // (Given literally, or by a name given them earlier:
            // `**params`, `new ModifyDBInstanceCommand(input)`, Go's `in`.)
            // (In the same statement, as in a method's body read whole:
            // the value given the name before the call.)
            let given_before = |name: &str| {
                let floor = at.saturating_sub(MAX_LOOK_BACK * 4);
                let j = (floor..at).rev().find(|&j| {
                    matches!(tokens.get(j), Some(Token::Word(w)) if w == name)
                        && matches!(tokens.get(j + 1), Some(Token::Assign))
                })?;
                guard_turned_off(tokens.get(j + 2..at)?)
            };
            // (Or chained on the call, Go's `SetDeletionProtection(...)
            // .DeletionProtection(false)`; or set on the object the call
            // saves, `db.enable_drop_protection = False` then
            // `db.update(...)`.)
            let chained = || guard_turned_off(tokens.get(end + 1..(end + 8).min(tokens.len()))?);
            let on_receiver = || receiver.and_then(|r| self.guards_off.get(r).copied());
            // (A name given `false` earlier is `false`.)
            let read: Vec<Token> = arguments
                .iter()
                .map(|t| match t {
                    Token::Word(w) if self.false_names.contains(w) => Token::Word("false".to_owned()),
                    t => t.clone(),
                })
                .collect();
            let off = guard_turned_off(&read)
                .or_else(|| {
                    arguments.iter().find_map(|t| match t {
                        Token::Word(w) => {
                            let name = w.trim_start_matches(['*', '&']);
                            self.guards_off.get(name).copied().or_else(|| given_before(name))
                        }
                        _ => None,
                    })
                })
                .or_else(chained)
                .or_else(on_receiver)?;
            if aws_update {
                let mut operation = words.clone();
                for suffix in ["command", "async", "request", "input", "with", "context"] {
                    if operation.len() > 2 && operation.last().is_some_and(|w| w == suffix) {
                        operation.pop();
                    }
                }
                // (boto3's resources: `table.update(...)` is `update-table`;
                // only on a name given a client or resource, not a
                // dictionary's `report.update(...)`.)
                if operation.len() == 1 {
                    let bare = receiver.map(|r| r.trim_start_matches("self.").trim_start_matches("this."));
                    if !bare.is_some_and(|r| self.clients.contains_key(r)) {
                        return None;
                    }
                    operation.extend(collection());
                }
                let service = self.aws_service(receiver, previous, arguments);
                return Some(format!("aws {service} {} {}", operation.join("-"), off.aws));
            }
            let nouns = collection();
            return Some(format!("gcloud {} update {}", singular(&nouns), off.gcloud));
        }
        // A Kubernetes client's patch that lets a volume go with its
        // claim, or takes the finalizers off (`v1.patch_persistent_volume(
        // name, {"spec": {"persistentVolumeReclaimPolicy": "Delete"}})`).
        if has(Library::Kubernetes) && matches!(verb, "patch" | "replace") {
            let texts: Vec<String> = arguments
                .iter()
                .filter_map(|t| match t {
                    Token::Str { text, .. } => Some(text.to_ascii_lowercase()),
                    Token::Word(w) => Some(w.to_ascii_lowercase()),
                    _ => None,
                })
                .collect();
            let after = |key: &str| texts.iter().position(|t| t == key).and_then(|i| texts.get(i + 1));
            if after("persistentvolumereclaimpolicy").is_some_and(|v| v == "delete") {
                return Some("kubectl patch persistentvolume -p persistentVolumeReclaimPolicy:Delete".to_owned());
            }
            if after("finalizers").is_some_and(|v| matches!(v.as_str(), "none" | "null" | "nil")) {
                return Some("kubectl patch -p finalizers:null".to_owned());
            }
        }
        if UPDATES.contains(&verb) {
            return None;
        }
        if let Some(line) = self.data_service_command(&words, arguments) {
            return Some(line);
        }
        // Azure's management locks (`management_locks.delete_at_resource_group_level(...)`,
        // Go's `DeleteAtResourceGroupLevel`, a lock's only `..._level`
        // operations): a `CanNotDelete` lock is its guard against deletion.
        let lock_level =
            verb == "delete" && words.contains(&"at".to_owned()) && words.last().is_some_and(|w| w == "level");
        if has(Library::Azure)
            && words.contains(&"delete".to_owned())
            && (lock_level || words.iter().chain(collection().iter()).any(|w| w == "lock" || w == "locks"))
        {
            return Some("az lock delete".to_owned());
        }
        if has(Library::Kubernetes) {
            let mut kind: Vec<String> = words
                .iter()
                .filter(|w| {
                    !matches!(w.as_str(), "delete" | "collection" | "namespaced" | "async" | "with" | "http" | "info")
                })
                .cloned()
                .collect();
            if words.first().is_some_and(|w| w == "delete") {
                if kind.is_empty() {
                    kind = collection();
                }
                if !kind.is_empty() {
                    let kind = kind.concat();
                    if super::super::kubernetes_kinds(&kind).is_empty() {
                        // (Not a kind `kubectl delete` destroys: another
                        // library may still read the call.)
                    } else {
                        return Some(format!("kubectl delete {kind}"));
                    }
                }
            }
        }
        // (Terraform's Go wrapper also destroys by an option of `Apply`,
        // `tfexec.Destroy(true)`.)
        let kept = word == "tfexec.Destroy" && matches!(arguments, [Token::Word(w)] if w == "false");
        if (has(Library::Pulumi) || has(Library::Terraform))
            && matches!(method, "destroy" | "Destroy" | "destroyAsync")
            && !kept
        {
            let tool = if has(Library::Pulumi) { "pulumi" } else { "terraform" };
            return Some(format!("{tool} destroy"));
        }
        if has(Library::Azure) {
            let mut plain = words.clone();
            if plain.first().is_some_and(|w| w == "begin") {
                plain.remove(0);
            }
            if plain.ends_with(&["and".to_owned(), "wait".to_owned()]) {
                plain.truncate(plain.len() - 2);
            }
            let nouns = match plain.split_first() {
                Some((first, [])) if first == "delete" => collection(),
                Some((first, rest)) if first == "delete" => rest.to_vec(),
                _ => Vec::new(),
            };
            if !nouns.is_empty() {
                return Some(format!("az {} delete", singular(&nouns)));
            }
        }
        if has(Library::Aws) {
            let mut operation = words.clone();
            for suffix in ["command", "async", "request", "context"] {
                if operation.len() > 2 && operation.last().is_some_and(|w| w == suffix) {
                    operation.pop();
                }
            }
            if operation.len() > 2 && operation.last().is_some_and(|w| w == "with") {
                operation.pop();
            }
            // (boto3's resources: `s3.Bucket("logs").delete()`,
            // `table.delete()`, `instance.terminate()`.)
            if matches!(operation.as_slice(), [w] if w == "delete" || w == "terminate") {
                operation.extend(collection());
            }
            if operation.len() >= 2 && operation.first().is_some_and(|w| w == "delete" || w == "terminate") {
                let service = self.aws_service(receiver, previous, arguments);
                return Some(format!("aws {service} {}", operation.join("-")));
            }
        }
        if has(Library::Google) {
            let nouns = match words.split_first() {
                Some((first, [])) if first == "delete" => collection(),
                Some((first, rest)) if first == "delete" => {
                    rest.iter().filter(|w| !matches!(w.as_str(), "async")).cloned().collect()
                }
                _ => Vec::new(),
            };
            if !nouns.is_empty() {
                return Some(format!("gcloud {} delete", singular(&nouns)));
            }
        }
        None
    }

    /// The AWS service a call is made to: the client it is called on (a
    /// name given one, or one made in place), a Go input type's package
    /// (`&rds.DeleteDBInstanceInput{...}`), the one service the file
    /// names, or `sdk` when that is not known.
    fn aws_service(
        &self,
        receiver: Option<&str>,
        previous: Option<(&str, Option<&str>)>,
        arguments: &[Token],
    ) -> String {
        if let Some((word, text)) = previous {
            if let (true, Some(text)) = (matches!(last(word), "client" | "resource"), text) {
                return text.to_ascii_lowercase();
            }
            if let Some(service) = aws_service_of_constructor(word) {
                return service;
            }
        }
        if let Some(service) = receiver.and_then(|r| {
            self.clients.get(r).or_else(|| {
                let bare = r.trim_start_matches("self.").trim_start_matches("this.").trim_start_matches("@");
                self.clients.get(bare)
            })
        }) {
            return service.clone();
        }
        for token in arguments.iter().take(8) {
            if let Token::Word(w) = token
                && let Some((package, name)) = w.split_once('.')
                && (name.ends_with("Input") || name.ends_with("Request"))
                && !package.is_empty()
                && package.chars().all(|c| c.is_ascii_alphanumeric())
            {
                return package.to_ascii_lowercase();
            }
        }
        match (self.services.first(), self.services.len()) {
            (Some(one), 1) => one.clone(),
            _ => "sdk".to_owned(),
        }
    }
}

/// The first words of the methods that change a resource's settings
/// (`modify_db_instance`, `UpdateTable`, `setDeletionProtection`,
/// `instances().patch`).
const UPDATES: [&str; 5] = ["modify", "update", "set", "patch", "put"];

/// A guard turned off, as the AWS and Google command line tools write it.
#[derive(Clone, Copy, Debug)]
struct GuardOff {
    aws: &'static str,
    gcloud: &'static str,
}

/// The settings that guard against deletion, as a call's argument names
/// them (lower case, without `_`), with how the tools turn each off.
const GUARD_SETTINGS: [(&str, GuardOff); 6] = [
    ("deletionprotection", GuardOff { aws: "--no-deletion-protection", gcloud: "--no-deletion-protection" }),
    (
        "deletionprotectionenabled",
        GuardOff { aws: "--no-deletion-protection-enabled", gcloud: "--no-deletion-protection" },
    ),
    (
        "enableterminationprotection",
        GuardOff { aws: "--no-enable-termination-protection", gcloud: "--no-deletion-protection" },
    ),
    ("disableapitermination", GuardOff { aws: "--no-disable-api-termination", gcloud: "--no-deletion-protection" }),
    ("enabledropprotection", GuardOff { aws: "--no-deletion-protection", gcloud: "--no-enable-drop-protection" }),
    ("dropprotection", GuardOff { aws: "--no-deletion-protection", gcloud: "--no-enable-drop-protection" }),
];

/// Whether a name (a field or key) is a guard's setting of
/// [`GUARD_SETTINGS`] (`enable_drop_protection`, `DeletionProtection`).
fn is_guard_setting(name: &str) -> bool {
    let n = name.to_ascii_lowercase().replace('_', "");
    GUARD_SETTINGS.iter().any(|(s, _)| *s == n)
}

/// The guard against deletion a call's arguments turn off, if any: a
/// setting of [`GUARD_SETTINGS`] (a name or a key's text:
/// `DeletionProtection=False`, `DeletionProtection: aws.Bool(false)`,
/// `{"deletionProtectionEnabled": False}`, `DisableApiTermination={"Value":
/// False}`) whose first value is false, or `"INACTIVE"` (Cognito); a
/// load balancer's `deletion_protection.enabled` attribute given
/// `"false"`; or `BackupRetentionPeriod` given 0.
fn guard_turned_off(arguments: &[Token]) -> Option<GuardOff> {
    let name = |t: &Token| -> Option<String> {
        let text = match t {
            Token::Word(w) => last(w),
            Token::Str { text, .. } => text.as_str(),
            _ => return None,
        };
        Some(text.to_ascii_lowercase().replace('_', ""))
    };
    // The first boolean (or text) value after `k`, before the next
    // argument.
    let value_after = |k: usize| -> Option<String> {
        for t in arguments.iter().skip(k + 1).take(8) {
            match t {
                Token::Comma => return None,
                Token::Word(w) if matches!(w.to_ascii_lowercase().as_str(), "true" | "false" | "0") => {
                    return Some(w.to_ascii_lowercase());
                }
                Token::Str { text, .. } if !text.eq_ignore_ascii_case("value") => {
                    return Some(text.to_ascii_lowercase());
                }
                _ => {}
            }
        }
        None
    };
    // A setting named by text (`{"Key": "deletion_protection.enabled",
    // "Value": "false"}`, `Attribute="disableApiTermination",
    // Value="false"`): the value given `Value` beside it.
    let paired_value = |k: usize| -> Option<String> {
        let at = arguments
            .iter()
            .enumerate()
            .skip(k + 1)
            .take(6)
            .find(|(_, t)| name(t).is_some_and(|n| n == "value"))
            .map(|(i, _)| i)?;
        value_after(at)
    };
    for (k, t) in arguments.iter().enumerate() {
        let Some(n) = name(t) else { continue };
        // (A setting named by text may take its value from `Value`.)
        let value_of = |k: usize| match t {
            Token::Str { .. } => value_after(k).or_else(|| paired_value(k)),
            _ => value_after(k),
        };
        if n == "deletionprotection.enabled" && value_of(k).as_deref() == Some("false") {
            return Some(GuardOff {
                aws: "--attributes Key=deletion_protection.enabled,Value=false",
                gcloud: "--no-deletion-protection",
            });
        }
        // (No automated backups: RDS deletes those it kept at once.)
        if n == "backupretentionperiod" && value_of(k).as_deref() == Some("0") {
            return Some(GuardOff { aws: "--backup-retention-period 0", gcloud: "--no-backup" });
        }
        let Some((_, off)) = GUARD_SETTINGS.iter().find(|(s, _)| *s == n) else { continue };
        if matches!(value_of(k).as_deref(), Some("false" | "inactive")) {
            return Some(GuardOff { aws: off.aws, gcloud: off.gcloud });
        }
    }
    None
}

/// Most names of a call read for what they say of its environment.
const MAX_CALL_NAMES: usize = 4;

/// The literal names a call's arguments give (a positional text, or the
/// value of an argument that names what the call acts on:
/// `DBInstanceIdentifier="orders-pr-12"`, `name=`, `namespace=`,
/// `TableName:`), each a single word of at most 128 bytes, at most
/// [`MAX_CALL_NAMES`].
fn literal_names(arguments: &[Token]) -> Vec<String> {
    // (Not the name of what the call keeps, `FinalDBSnapshotIdentifier`.)
    let names_what = |key: &Token| {
        let key = match key {
            Token::Word(w) => last(w).to_ascii_lowercase(),
            Token::Str { text, .. } => text.to_ascii_lowercase(),
            _ => return false,
        };
        let kept = ["snapshot", "final", "backup"].iter().any(|k| key.contains(k));
        !kept
            && ([
                "identifier",
                "name",
                "instance",
                "namespace",
                "cluster",
                "database",
                "bucket",
                "stack",
                "table",
                "project",
                "group",
                "environment",
            ]
            .iter()
            .any(|k| key.contains(k))
                || key.ends_with("id"))
    };
    let mut depth = 0usize;
    let mut names = Vec::new();
    for (k, t) in arguments.iter().enumerate() {
        match t {
            Token::Open(_) => depth += 1,
            Token::Close(_) => depth = depth.saturating_sub(1),
            Token::Str { text, .. } => {
                let before = k.checked_sub(1).and_then(|p| arguments.get(p));
                let positional = depth == 0 && matches!(before, None | Some(Token::Comma));
                let back = |n: usize| k.checked_sub(n).and_then(|p| arguments.get(p));
                let keyed = match before {
                    Some(Token::Assign | Token::Colon) => back(2).is_some_and(names_what),
                    // (Java's builders, `.dbInstanceIdentifier("orders")`;
                    // Go's `DBInstanceIdentifier: aws.String("orders")`.)
                    Some(Token::Open('(')) => match back(2) {
                        Some(Token::Word(w)) if last(w).eq_ignore_ascii_case("string") => {
                            matches!(back(3), Some(Token::Assign | Token::Colon)) && back(4).is_some_and(names_what)
                        }
                        Some(w) => names_what(w),
                        None => false,
                    },
                    _ => false,
                };
                let word = !text.is_empty()
                    && text.len() <= MAX_NAME_BYTES
                    && text
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '{' | '}' | '/' | '$'));
                if (positional || keyed) && word && names.len() < MAX_CALL_NAMES {
                    names.push(text.clone());
                }
            }
            _ => {}
        }
    }
    names
}

/// The AWS service a client's constructor names: JavaScript's `AWS.RDS`
/// (SDK v2) and `RDSClient` (v3), Java's `RdsClient.builder`, Go's
/// `rds.NewFromConfig` and `rds.New`.
fn aws_service_of_constructor(word: &str) -> Option<String> {
    let (head, tail) = word.split_once('.').unwrap_or((word, ""));
    if head == "AWS" && !tail.is_empty() && !tail.contains('.') {
        return Some(tail.to_ascii_lowercase());
    }
    if matches!(tail, "NewFromConfig" | "New") && head.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()) {
        return Some(head.to_owned());
    }
    let class =
        head.strip_suffix("Client").filter(|c| !c.is_empty() && c.chars().all(|c| c.is_ascii_alphanumeric()))?;
    class.starts_with(|c: char| c.is_ascii_uppercase()).then(|| class.to_ascii_lowercase())
}

/// The last part of a dotted name.
fn last(word: &str) -> &str {
    word.rsplit('.').next().unwrap_or(word)
}

/// The call a method is called on, when `tokens[at]` follows `).`: the
/// name before its brackets and its first argument's text.
fn previous_call(tokens: &[Token], at: usize) -> Option<(&str, Option<&str>)> {
    let (Some(Token::Other), Some(Token::Close(')'))) =
        (tokens.get(at.checked_sub(1)?), tokens.get(at.checked_sub(2)?))
    else {
        return None;
    };
    let close = at - 2;
    let mut depth = 0usize;
    let mut k = close;
    let floor = close.saturating_sub(MAX_LOOK_BACK);
    loop {
        match tokens.get(k)? {
            Token::Close(_) => depth += 1,
            Token::Open(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        if k <= floor {
            return None;
        }
        k -= 1;
    }
    let Token::Word(name) = tokens.get(k.checked_sub(1)?)? else { return None };
    let text = match tokens.get(k + 1) {
        Some(Token::Str { text, .. }) => Some(text.as_str()),
        _ => None,
    };
    Some((name.as_str(), text))
}

/// Whether a call's arguments ask it only to check (`DryRun=True`,
/// `DryRun: aws.Bool(true)`, `dry_run=True`).
fn dry_run(arguments: &[Token]) -> bool {
    arguments.iter().enumerate().any(|(k, t)| {
        matches!(t, Token::Word(w) if w.to_ascii_lowercase().replace('_', "") == "dryrun")
            && arguments
                .iter()
                .skip(k + 1)
                .take(6)
                .any(|t| matches!(t, Token::Word(w) if w.eq_ignore_ascii_case("true")))
    })
}

/// The lowercase words of a name in any case style: `delete_db_instance`,
/// `deleteDBInstance`, `DeleteDBInstanceCommand` and `delete-db-instance`
/// give `delete`, `db`, `instance` (and `command`).
pub(super) fn words_of(name: &str) -> Vec<String> {
    let chars: Vec<char> = name.chars().take(MAX_NAME_BYTES).collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (k, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !word.is_empty() {
                words.push(std::mem::take(&mut word));
            }
            continue;
        }
        if c.is_ascii_uppercase() && !word.is_empty() {
            let before = k.checked_sub(1).and_then(|p| chars.get(p)).copied().unwrap_or(' ');
            let after = chars.get(k + 1).copied().unwrap_or(' ');
            if before.is_ascii_lowercase()
                || before.is_ascii_digit()
                || (before.is_ascii_uppercase() && after.is_ascii_lowercase())
            {
                words.push(std::mem::take(&mut word));
            }
        }
        word.push(c.to_ascii_lowercase());
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
}

/// Nouns joined by blanks, each made singular where its singular is a
/// word the cloud rules know (`virtual networks` is `virtual network`).
fn singular(nouns: &[String]) -> String {
    let known = |w: &str| super::super::INFRA_NOUNS.contains(&w) || super::super::ROUTINE_NOUNS.contains(&w);
    nouns
        .iter()
        .take(3)
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if !known(w) && known(stem) => stem,
            _ => w.as_str(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_into_words() {
        for (name, words) in [
            ("delete_db_instance", "delete db instance"),
            ("deleteDBInstance", "delete db instance"),
            ("DeleteDBInstanceCommand", "delete db instance command"),
            ("TerminateInstances", "terminate instances"),
            ("EC2Client", "ec2 client"),
            ("S3Client", "s3 client"),
            ("beginDeleteAndWait", "begin delete and wait"),
            ("CoreV1", "core v1"),
            ("DeleteNamespacedPersistentVolumeClaim", "delete namespaced persistent volume claim"),
        ] {
            assert_eq!(words_of(name).join(" "), words, "{name}");
        }
    }

    #[test]
    fn constructors_name_services() {
        assert_eq!(aws_service_of_constructor("AWS.RDS").as_deref(), Some("rds"));
        assert_eq!(aws_service_of_constructor("RDSClient").as_deref(), Some("rds"));
        assert_eq!(aws_service_of_constructor("DynamoDBClient").as_deref(), Some("dynamodb"));
        assert_eq!(aws_service_of_constructor("RdsClient.builder").as_deref(), Some("rds"));
        assert_eq!(aws_service_of_constructor("rds.NewFromConfig").as_deref(), Some("rds"));
        assert_eq!(aws_service_of_constructor("Client"), None);
        assert_eq!(aws_service_of_constructor("http.NewRequest"), None);
    }

    #[test]
    fn plurals_are_made_singular_when_known() {
        let nouns = |s: &str| s.split(' ').map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(singular(&nouns("virtual networks")), "virtual network");
        assert_eq!(singular(&nouns("resource groups")), "resource group");
        assert_eq!(singular(&nouns("instances")), "instances");
        assert_eq!(singular(&nouns("storage accounts")), "storage account");
    }
}
