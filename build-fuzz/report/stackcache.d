build-fuzz/report/stackcache.o: report/stackcache.c report/stackcache.h \
  common/arena.h common/util.h

report/stackcache.h:

common/arena.h:

common/util.h:
