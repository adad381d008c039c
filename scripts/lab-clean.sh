#!/bin/sh
# Deletes network namespaces that a killed test run left behind: only the
# lab's own ("halbt<pid base36><4 hex>-..."), and only when that pid is gone.
for ns in $(ip netns list 2>/dev/null | awk '{print $1}' | grep '^halbt'); do
  id=${ns%%-*}
  pid36=${id#halbt}
  pid36=${pid36%????}
  pid=$(node -e "console.log(parseInt(process.argv[1], 36))" "$pid36" 2>/dev/null || echo 0)
  if [ "$pid" -gt 0 ] && kill -0 "$pid" 2>/dev/null; then continue; fi
  echo "lab-clean: deleting leftover namespace $ns"
  ip netns del "$ns" 2>/dev/null || true
done
