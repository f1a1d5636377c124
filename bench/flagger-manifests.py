"""Every Canary and MetricTemplate in Flagger's repository (YAML files, docs' yaml blocks, e2e scripts' heredocs),
written out one canary per file with the templates it references (from anywhere in the repository), for
bench/flagger-manifests.sh to run `flagstep validate` on. Usage: flagger-manifests.py GIT_DIR REV OUT_DIR"""
import os
import re
import subprocess
import sys

git_dir, rev, out = sys.argv[1:4]
G = ['git', '--git-dir=' + git_dir]
listed = subprocess.run(G + ['grep', '-l', '-E', 'kind: (Canary|MetricTemplate)', rev, '--',
                             '*.yaml', '*.yml', '*.md', '*.sh'], capture_output=True, text=True, check=True).stdout.split()
os.makedirs(out, exist_ok=True)
canaries, templates = [], {}
for f in listed:
    path = f.split(':', 1)[1]
    text = subprocess.run(G + ['show', f], capture_output=True, text=True, check=True).stdout
    if path.endswith('.md'):
        blocks = re.findall(r'```ya?ml\n(.*?)```', text, re.S)
    elif path.endswith('.sh'):
        blocks = re.findall(r'<<EOF[^\n]*\n(.*?)\nEOF', text, re.S)
    elif '{{' in text:
        continue  # Helm templates are not manifests
    else:
        blocks = [text]
    for i, b in enumerate(blocks):
        for j, d in enumerate(re.split(r'^---\s*$', b, flags=re.M)):
            d = d.strip('\n')
            if re.search(r'^kind: Canary\s*$', d, re.M):
                canaries.append((path.replace('/', '__') + f'__{i}_{j}', d))
            elif re.search(r'^kind: MetricTemplate\s*$', d, re.M):
                name = re.search(r'^  name: (\S+)', d, re.M)
                ns = re.search(r'^  namespace: (\S+)', d, re.M)
                if name:
                    templates.setdefault((name.group(1), ns.group(1) if ns else ''), d)
for key, c in canaries:
    refs = re.findall(r'templateRef:\s*\n\s+name: (\S+)|templateRef: \{name: ([^,}\s]+)', c)
    names = {n for pair in refs for n in pair if n}
    used = [t for (n, _), t in sorted(templates.items()) if n in names]  # every namespace's: validate picks
    with open(os.path.join(out, key + '.yaml'), 'w') as w:
        w.write('\n---\n'.join([c] + used) + '\n')
print(len(canaries), 'canaries,', len(templates), 'metric templates')
