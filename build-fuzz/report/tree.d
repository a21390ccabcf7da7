build-fuzz/report/tree.o: report/tree.c report/tree.h common/arena.h \
  common/util.h

report/tree.h:

common/arena.h:

common/util.h:
