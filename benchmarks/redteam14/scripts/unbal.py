exec(open('load.py').read())
def unbalance(field, idx):
    rows=[x for x in R if x['miss'][idx]==0]
    X=np.array([np.unpackbits(np.frombuffer(x[field],dtype=np.uint8)) for x in rows]).astype(np.int8)
    m=X.mean(0); orig=np.where(m<0.5)[0]
    O=X[:,orig]
    for x,o in zip(rows,O): x[field+'_orig']=o; x[field+'_pc']=int(o.sum())
    return rows
