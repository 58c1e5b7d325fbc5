"""The model language: what an hecon model says, with no numbers computed.

* :mod:`~hecon.model.spec` -- ModelSpec and its parts (plain dataclasses, no Excel types);
* :mod:`~hecon.model.expressions` -- the safe expression language (parsed, never eval-ed);
* :mod:`~hecon.model.distributions` -- PSA distributions of parameters and their checks;
* :mod:`~hecon.model.scenarios` -- scenarios as transforms of a spec;
* :mod:`~hecon.model.problems` -- Problem and ModelError, with where each problem is;
* :mod:`~hecon.model.types` -- FloatArray and BoolArray, the numpy array types of every layer.

Imports nothing else of hecon but :mod:`hecon.version`.
"""
