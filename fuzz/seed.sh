#!/usr/bin/env bash
# Seeds fuzz/corpus/<target>/ with the real fixtures and the test data, so
# fuzzing starts from realistic inputs. Usage: fuzz/seed.sh, then
#   cargo +nightly fuzz run -O <target> fuzz/corpus/<target>
set -euo pipefail
cd "$(dirname "$0")"
root=..
shared=../../shared/fixtures
seed() { mkdir -p "corpus/$1"; shift_target=$1; shift; for f in "$@"; do [ -f "$f" ] && cp "$f" "corpus/$shift_target/$(echo "$f" | tr '/' '_')"; done; }
seed graph_native_no_panic "$root"/crates/blastgate/tests/data/graph-cases/native-*/*.yaml "$root"/crates/blastgate/src/demo/topology.yaml
seed graph_backstage_no_panic "$shared"/backstage/*.yaml
seed graph_jaeger_no_panic "$root"/crates/blastgate-ingest/tests/data/traces/jaeger*.json "$root"/crates/blastgate-ingest/tests/data/traces/zipkin*.json
seed graph_prometheus_no_panic "$root"/crates/blastgate-ingest/tests/data/traces/prometheus*.json
seed graph_edgelist_no_panic "$shared"/graphs/*.edges
seed graph_detect_build_no_panic "$shared"/graphs/*.edges "$shared"/backstage/*.yaml
seed changeset_no_panic "$root"/crates/blastgate/tests/data/change-cases/*/change.*
seed terraform_no_panic "$shared"/terraform/*.json
seed codeowners_no_panic "$shared"/codeowners/*.CODEOWNERS
seed service_map_no_panic "$root"/crates/blastgate-ingest/tests/data/owners/*
seed context_no_panic "$root"/crates/blastgate/tests/data/decision-cases/*/context.*
mkdir -p corpus/history_no_panic
(echo "date,bug,la,ld,nf,entrophy,fix"; for i in $(seq 1 120); do echo "$i,$(( (i * 7) % 3 == 0 )),$(( (i * 37) % 500 )),$(( i % 40 )),$(( 1 + i % 5 )),0.$(( i % 9 )),$(( i % 2 ))"; done) > corpus/history_no_panic/small.csv
printf 'date,bug,la\r\n1,0,"3"\r\n2,1,"1""0"\r\n' > corpus/history_no_panic/quoted.csv
seed policy_no_panic "$root"/crates/blastgate-core/src/policy/default.toml "$root"/crates/blastgate/tests/data/decision-cases/*/policy.toml
seed assess_no_panic "$root"/crates/blastgate/tests/data/decision-cases/*/change.json
mkdir -p corpus/assess_json_no_panic
printf '%s' '{"graph": [{"content": "web api\napi db\n"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": ["db"]}, "now": "2026-11-27T10:00:00Z"}' > corpus/assess_json_no_panic/basic.json
# A catalog beside traces that call its entities by their plain names (joined).
printf '%s' '{"graph": [{"name": "catalog.yaml", "content": "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: checkout, annotations: {blastgate.dev/tier: \"0\"}}\nspec: {owner: team-a}\n---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: {name: payments}\n"}, {"name": "traces.json", "content": "[{\"parent\": \"checkout\", \"child\": \"payments\", \"callCount\": 9}]"}], "change": {"apiVersion": "blastgate.dev/v1", "kind": "Changeset", "id": "c", "services": ["component:payments"]}, "now": "2026-11-27T10:00:00Z"}' > corpus/assess_json_no_panic/joined.json
seed snapshot_no_panic "$root"/fuzz/regressions/snapshot_no_panic/*.bgs
seed graph_roundtrip "$shared"/graphs/*.edges "$shared"/backstage/*.yaml "$root"/crates/blastgate/src/demo/topology.yaml
seed changeset_roundtrip "$root"/crates/blastgate/tests/data/change-cases/*/change.* "$root"/crates/blastgate/tests/data/decision-cases/*/change.*
seed context_roundtrip "$root"/crates/blastgate/tests/data/decision-cases/*/context.*
mkdir -p corpus/git_no_panic
printf '3\t1\tsrc/a.go\0-\t-\tlogo.png\0' > corpus/git_no_panic/numstat
printf '\0%040d\0\0Ana\0ana@example.com\01764000000\0fix: x\n\nAssisted-by: Claude\n\0' 0 > corpus/git_no_panic/log
printf 'destroy\nTF ?= terraform\ndestroy: confirm\n\t$(TF) destroy\nconfirm: ; $(MAKE) -C db drop\n%%-x:\n\tkubectl delete $* web\n' > corpus/git_no_panic/makefile
printf 'destroy\nalias d := destroy\ndestroy env="p": (stop env)\n    pulumi destroy {{env}}\nstop e:\n    just x\n' > corpus/git_no_panic/justfile
printf 'destroy\ntasks:\n  destroy:\n    deps: [a]\n    cmds: [{task: b}, "helmfile destroy"]\n' > corpus/git_no_panic/taskfile
printf 'diff --git a/scripts/x.py b/scripts/x.py\n--- a/scripts/x.py\n+++ b/scripts/x.py\n@@ -1 +1,4 @@\n-os.system("make deploy")\n+CMD = ["helm", "uninstall", f"db-{n}"]\n+subprocess.run(\n+    CMD, cwd="infra",\n+)\n' > corpus/git_no_panic/python
printf 'execSync(`kubectl delete ns ${x}`, {cwd: "k8s"}); await $`terraform destroy`\nexec.CommandContext(ctx, "terraform", []string{"destroy"}...)\nsh "dropdb x"\n' > corpus/git_no_panic/programs
printf 'import boto3\nrds = boto3.client("rds")\nrds.delete_db_instance(\n    DBInstanceIdentifier="x", DryRun=True)\nboto3.client("s3").Bucket("b").delete()\nfrom kubernetes import client\nv1.delete_namespaced_persistent_volume_claim(n, ns)\nsqladmin.instances().delete(project=p).execute()\nawait client.send(new DeleteDBClusterCommand({}))\ncs.CoreV1().Namespaces().Delete(ctx, "x", o)\n' > corpus/git_no_panic/sdk
printf 'aws rds modify-db-instance --db-instance-identifier x --no-deletion-protection\naz lock delete -n k\nkubectl patch pv x -p {"spec":{"persistentVolumeReclaimPolicy":"Delete"}}\nterraform apply -var=deletion_protection=false\nEdit-RDSDBInstance -DeletionProtection:$false\nrds.modify_db_instance(DeletionProtection=False, DisableApiTermination={"Value": False})\n' > corpus/git_no_panic/unguards
printf -- "- name: gcr.io/cloud-builders/gcloud\n  entrypoint: bash\n  args: ['-c', 'gcloud sql instances delete x']\n- image: hashicorp/terraform\n  command: [\"/bin/sh\", \"-c\"]\n  args:\n    - |\n      terraform destroy\n" > corpus/git_no_panic/container-steps
printf -- "- hosts: all\n  tasks:\n    - amazon.aws.rds_instance:\n        id: x\n        state: absent\n    - kubernetes.core.k8s: kind=Namespace name=x state=absent\n    - ansible.builtin.shell: |\n        terraform destroy\n" > corpus/git_no_panic/ansible
printf -- "x: &db\n  id: x\n  state: absent\n- hosts: all\n  vars: {s: absent}\n  tasks:\n    -   amazon.aws.rds_instance:\n          <<: *db\n    - local_action: command terraform destroy\n    - action:\n        module: amazon.aws.rds_instance\n        state: \"{{ s }}\"\n    - amazon.aws.rds_instance:\n      args: {id: x, state: absent}\n    - set_fact:\n        t: absent\n    - ansible.builtin.shell:\n        terraform destroy\n" > corpus/git_no_panic/ansible-spellings
mkdir -p corpus/assess_reference corpus/radius_reference
printf '\x07\x02\x00\x01\x02\x03\x04\x05\x06\x07\x00\x01\x50\x02\x0f\x03\x01\x00\xff\x02\x01\x80\x03\x02\x40' > corpus/assess_reference/seed
cp corpus/assess_reference/seed corpus/radius_reference/seed
echo "seeded: $(find corpus -type f | wc -l) files"
