build-fuzz/symbolize/elfsym.o: symbolize/elfsym.c symbolize/elfsym.h \
  symbolize/strtab.h symbolize/symbolize.h common/arena.h common/util.h \
  symbolize/demangle.h

symbolize/elfsym.h:

symbolize/strtab.h:

symbolize/symbolize.h:

common/arena.h:

common/util.h:

symbolize/demangle.h:
