import cProfile, pstats, pytest, time
from django.db import connection
from django.test.utils import CaptureQueriesContext
from conftest import load, OOSTENDE_FILE, WESTHOEK_FILE
@pytest.mark.django_db
def test_prof():
    load(WESTHOEK_FILE)
    t=time.process_time()
    with CaptureQueriesContext(connection) as q:
        load(OOSTENDE_FILE)
    print("queries", len(q), "cpu", time.process_time()-t)
    from collections import Counter
    c=Counter(x['sql'][:60] for x in q.captured_queries)
    for k,v in c.most_common(12): print(v,k)
