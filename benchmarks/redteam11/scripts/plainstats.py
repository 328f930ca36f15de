import sys; sys.path.insert(0,'scripts'); from common import *
from collections import Counter
A=load_csv(sys.argv[1]+'/agency_a.csv'); R=load_csv(sys.argv[1]+'/register.csv')
for nm,D in (('file',A),('reg',R)):
    dob=Counter(r['dob'] for r in D if r['dob']); pci=Counter((r['pc'],r['first'][0]) for r in D if r['pc'] and r['first'])
    print(nm,len(D),'dob classes',len(dob),'recs in dob class>=2',sum(c for c in dob.values() if c>1),'top',dob.most_common(5))
    print(' pc-init classes',len(pci),'size dist',sorted(Counter(pci.values()).items())[:12], 'top', pci.most_common(8))
    fn=Counter(r['first'] for r in D if r['first']); ln=Counter(r['last'] for r in D if r['last']); mn=Counter(r['middle'] for r in D if r['middle'])
    print(' first top',fn.most_common(5),' last top',ln.most_common(5),' middle',mn.most_common(3))
    print(' year top',Counter(r['dob'][:4] for r in D if r['dob']).most_common(3), 'pc top',Counter(r['pc'] for r in D).most_common(3), 'sex',Counter(r['sex'] for r in D))
# 01-01 share
print('01-01 share file',sum(1 for r in A if r['dob'] and r['dob'].endswith('01-01'))/len(A))
