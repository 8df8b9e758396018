/*
 * Which wiki pages the gadget reads, and reading them. This module is part of the loader page,
 * so that a starting tour asks for its data at the same time as for the runtime's code instead
 * of after it; it runs on every page view, so it stays small (texts.js does the rest).
 *
 * Tour data and texts are read with cacheable GET requests (maxage, smaxage): the next page of
 * a multi-page tour, or the same tour again, reads them from the browser's cache. The reader's
 * own progress page is read in its own request, never cached.
 */
( function ( wt ) {
	'use strict';
	/**
	 * Every wiki page the gadget reads or writes is named here and nowhere else (a published
	 * version's segment goes in this one function).
	 *
	 * @param {string} kind tours or messages (with a name), tours (the site's index: settings
	 *  and the list of tours) or sources (the translation form's) without one, or progress
	 * @param {string} [name] Tour id, message group (a tour id or "ui") or user name
	 * @param {string} [lang]
	 * @return {string}
	 */
	function title( kind, name, lang ) {
		return kind === 'progress' ? 'User:' + name + '/wikitours.json' : 'MediaWiki:' + ( name ?
			'Wikitours/' + kind + '/' + name + ( lang ? '/' + lang : '' ) : 'Gadget-wikitours-' + kind ) + '.json';
	}

	/**
	 * @return {string[]} The reader's languages, most wanted first, ending in English. Before
	 *  mediawiki.language has loaded, the language and its base ("pt" for "pt-br"); texts.js
	 *  asks for the rest of the real chain, if any, once it has.
	 */
	function languages() {
		var lang = mw.config.get( 'wgUserLanguage' );
		return ( mw.language ? mw.language.getFallbackLanguageChain() : [ lang, lang.split( '-' )[ 0 ] ] )
			.concat( 'en' ).filter( function ( l, i, all ) {
				return all.indexOf( l ) === i;
			} );
	}

	/**
	 * @param {string[]} titles
	 * @param {boolean} [cache] Whether browsers and caches may keep the answer (five minutes)
	 * @return {jQuery.Promise} The request (texts.answer reads it)
	 */
	function read( titles, cache ) {
		return $.getJSON( mw.config.get( 'wgScriptPath' ) + '/api.php', { action: 'query',
			format: 'json', formatversion: 2, prop: 'revisions', rvprop: 'content', rvslots: 'main',
			titles: titles.join( '|' ), maxage: cache ? 300 : 0, smaxage: cache ? 300 : 0 } );
	}

	/**
	 * Start reading what a tour needs: its data, the site's settings, the texts of the reader's
	 * languages and, when logged in, their progress page (not cached).
	 *
	 * @param {string} id Tour id
	 * @return {Object} {id, langs, data, progress}: the last two are requests (progress null when
	 *  anonymous)
	 */
	function fetch( id ) {
		var langs = languages(),
			user = mw.config.get( 'wgUserName' ),
			titles = [ title( 'tours', id ), title( 'tours' ) ];
		langs.forEach( function ( lang ) {
			titles.push( title( 'messages', id, lang ), title( 'messages', 'ui', lang ) );
		} );
		return {
			id: id,
			langs: langs,
			data: read( titles, true ),
			progress: user && read( [ title( 'progress', user ) ] )
		};
	}

	wt.messages = { title: title, languages: languages, read: read, fetch: fetch };
}( mw.libs.wikitours ) );
