"""Reading and writing files safely: which maps to read, atomic writes, standard output, worker processes."""
