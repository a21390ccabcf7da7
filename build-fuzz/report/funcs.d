build-fuzz/report/funcs.o: report/funcs.c report/funcs.h report/tree.h \
  common/util.h

report/funcs.h:

report/tree.h:

common/util.h:
