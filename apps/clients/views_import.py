from django.http import Http404, HttpRequest, HttpResponse


def client_import(request: HttpRequest) -> HttpResponse:
    raise Http404  # replaced by the bulk import
