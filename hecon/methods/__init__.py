"""Health-economic building blocks as pure functions of numbers and arrays.

* :mod:`~hecon.methods.survival` -- parametric survival in R flexsurv's parameterisations;
* :mod:`~hecon.methods.lifetable` -- general-population mortality by age and sex;
* :mod:`~hecon.methods.discounting` -- discount factors;
* :mod:`~hecon.methods.within_cycle` -- within-cycle correction weights;
* :mod:`~hecon.methods.schedules` -- dosing schedules (administrations per cycle).

May import :mod:`hecon.model`.
"""
