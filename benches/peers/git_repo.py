"""Writes a git repository for timing blastgate's git reader: SERVICES
services, each with Kubernetes manifests listed by a Kustomization, Helm
values, a Terraform module, an Argo CD application and some Go code, then
one commit that changes CHANGED of them the way a release train does
(image tags, replicas, resource tags, code), taking one claim out of a
Kustomization's list and turning one chart's persistence off. Prints the
range. Usage:

    python3 git_repo.py DIR SERVICES CHANGED

then, for example,

    blastgate change show --repo DIR --range RANGE --format json

Deterministic: the same arguments write the same commits.
"""

import os
import subprocess
import sys

if len(sys.argv) != 4:
    sys.exit(__doc__)
root, services, changed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
env = dict(
    os.environ,
    GIT_CONFIG_GLOBAL="/dev/null",
    GIT_CONFIG_NOSYSTEM="1",
    GIT_AUTHOR_NAME="Dev",
    GIT_AUTHOR_EMAIL="dev@example.com",
    GIT_COMMITTER_NAME="Dev",
    GIT_COMMITTER_EMAIL="dev@example.com",
    GIT_AUTHOR_DATE="@1700000000 +0000",
    GIT_COMMITTER_DATE="@1700000000 +0000",
)


def git(*args):
    return subprocess.run(["git", "-C", root, *args], env=env, check=True, capture_output=True, text=True).stdout


def write(path, text):
    full = os.path.join(root, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w") as f:
        f.write(text)


def service(i, tag, replicas, listed, persistence):
    s = f"svc{i}"
    write(f"{s}/k8s/deploy.yaml", f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {s}\nspec:\n"
          f"  replicas: {replicas}\n  template:\n    spec:\n      containers:\n        - name: app\n"
          f"          image: registry.example/{s}:{tag}\n")
    write(f"{s}/k8s/service.yaml", f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {s}\nspec:\n  ports: [{{port: 80}}]\n")
    write(f"{s}/k8s/pvc.yaml", f"apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: {s}-data\n"
          "spec:\n  resources: {requests: {storage: 10Gi}}\n")
    write(f"{s}/k8s/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
          "resources:\n" + "".join(f"  - {r}\n" for r in listed))
    write(f"{s}/helm/values.yaml", f"replicaCount: {replicas}\nimage:\n  tag: {tag}\npersistence:\n"
          f"  enabled: {persistence}\n  size: 10Gi\nmetrics:\n  enabled: true\n")
    write(f"{s}/terraform/main.tf", "".join(
        f'resource "aws_sqs_queue" "{s}_{q}" {{\n  name = "{s}-{q}"\n  tags = {{ release = "{tag}" }}\n}}\n\n'
        for q in ("in", "out", "dead")) + f'resource "aws_db_instance" "{s}" {{\n  engine = "postgres"\n}}\n')
    write(f"argocd/{s}.yaml", f"apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: {s}\n"
          f"spec:\n  source:\n    repoURL: https://git.example/deploy.git\n    path: {s}/k8s\n")
    for f in range(4):
        write(f"{s}/src/file{f}.go", f"package {s}\n\n// release {tag}\n" + "".join(
            f"func f{f}_{n}() int {{ return {n} }}\n" for n in range(40)))


os.makedirs(root, exist_ok=True)
git("-c", "init.defaultBranch=main", "init", "-q")
everything = ["deploy.yaml", "service.yaml", "pvc.yaml"]
for i in range(services):
    service(i, "v1", 2, everything, "true")
git("add", "-A")
git("commit", "-q", "-m", "Base")
base = git("rev-parse", "HEAD").strip()
for i in range(changed):
    listed = everything[:2] if i == 0 else everything
    service(i, "v2", 3, listed, "false" if i == 1 else "true")
git("add", "-A")
git("commit", "-q", "-m", "Release train")
head = git("rev-parse", "HEAD").strip()
print(f"{base}..{head}")
