"""One builder per part of the demo district. Each ``build`` is idempotent: it finds rows by their
natural keys and only creates what is missing. Later parts add their own module and a line in the
``seed_demo`` command, after the parts they depend on."""
