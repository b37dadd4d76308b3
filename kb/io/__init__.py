"""Reading and writing files safely: the one input guard, the one atomic writer, errors."""
