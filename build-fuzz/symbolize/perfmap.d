build-fuzz/symbolize/perfmap.o: symbolize/perfmap.c symbolize/perfmap.h \
  common/arena.h common/util.h

symbolize/perfmap.h:

common/arena.h:

common/util.h:
