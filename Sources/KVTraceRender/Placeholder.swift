import KVTrace
