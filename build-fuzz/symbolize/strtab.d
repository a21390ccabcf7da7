build-fuzz/symbolize/strtab.o: symbolize/strtab.c symbolize/strtab.h \
  common/arena.h common/util.h

symbolize/strtab.h:

common/arena.h:

common/util.h:
